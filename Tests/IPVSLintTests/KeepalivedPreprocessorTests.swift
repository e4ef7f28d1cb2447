import Testing

@testable import IPVSLint

/// keepalived 2.2.7's lexical layer. Each vector is a configuration run through Debian 12's
/// keepalived 2.2.7 (`keepalived -f FILE --config-test [-i ID]`, host name `vm`); the comments say
/// what it reported. Its "Unknown keyword 'X'" errors name the first word of each line it read, so
/// most vectors use words keepalived does not know. Unprefixed reports come from the parent process
/// (which reads the file), "(FILE: Line N)" ones from the checker, VRRP and BFD processes (which read
/// the parent's decommented copy); the lines expected are the checker's unless a vector says
/// otherwise.
@Suite struct KeepalivedPreprocessorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        /// File name → text; `main` is read first, the others where an include line names them
        /// (resolved against the including file).
        var files: [String: String]
        var main = "main.conf"
        var id: String? = "vm"
        var reading: KeepalivedPreprocessor.Reading = .checker
        /// "N: line" for the main file's line N, "FILE:N: line" for an included file's.
        var expected: [String]

        var testDescription: String { name }

        init(
            _ name: String, _ text: String, id: String? = "vm", reading: KeepalivedPreprocessor.Reading = .checker,
            files: [String: String] = [:], main: String = "main.conf", _ expected: [String]
        ) {
            self.name = name
            self.files = files.merging([main: text]) { _, new in new }
            self.main = main
            self.id = id
            self.reading = reading
            self.expected = expected
        }
    }

    /// Reads a configuration as the linter would: every physical line through one preprocessor,
    /// an included file (looked up in `files`) read where its include line is yielded.
    static func read(_ vector: Vector) throws(LintInputError) -> [String] {
        var preprocessor = KeepalivedPreprocessor(configID: vector.id, reading: vector.reading)
        var output: [String] = []
        func read(_ name: String, depth: Int) throws(LintInputError) {
            let file = SourceFile(name: name, text: vector.files[name] ?? "")
            for (index, line) in file.lines.enumerated() {
                for logical in try preprocessor.lines(from: line, file: file, number: index + 1) {
                    output.append((name == vector.main ? "" : name + ":") + "\(index + 1): " + logical)
                    let words = logical.split(separator: " ", maxSplits: 1)
                    if words.count == 2, words[0].hasPrefix("include"), depth < 8 {
                        let path = file.resolve(String(words[1]))
                        if vector.files[path] != nil { try read(path, depth: depth + 1) }
                    }
                }
            }
            try preprocessor.finish(file)
        }
        try read(vector.main, depth: 0)
        return output
    }

    static func read(_ text: String, id: String? = "vm") throws(LintInputError) -> [String] {
        try read(Vector("", text, id: id, []))
    }

    // MARK: Vectors

    static let vectors: [Vector] = conditionals + definitions + sequences + lists + predefined + braces + includes + lines

    static let conditional = ##"""
        global_defs {
        @vm   bad_vm
        @^vm  bad_notvm
        @other bad_other
        @^other bad_notother
        @vm
        @vm.x bad_dot
        @\##tbad_empty
        @vm\##t \##t bad_tabs
        }
        """##

    static let conditionals: [Vector] = [
        // Without -i (config id "vm", the host name): Unknown keyword bad_vm (2), bad_notother (5),
        // bad_tabs (9). A line with nothing after the id (6) is dropped.
        Vector(
            "@ID, default id", conditional,
            ["1: global_defs", "1: {", "2: bad_vm", "5: bad_notother", "9: bad_tabs", "10: }"]),
        // -i other: bad_notvm (3), bad_other (4).
        Vector("@ID, -i other", conditional, id: "other", ["1: global_defs", "1: {", "3: bad_notvm", "4: bad_other", "10: }"]),
        // -i vm.x: bad_notvm, bad_notother, bad_dot: the id is the whole word, dots and all.
        Vector(
            "@ID, -i vm.x", conditional, id: "vm.x",
            ["1: global_defs", "1: {", "3: bad_notvm", "5: bad_notother", "7: bad_dot", "10: }"]),
        // -i "": bad_notvm, bad_notother, bad_empty: "@" followed by a blank is the empty id.
        Vector(
            "@ID, -i empty", conditional, id: "",
            ["1: global_defs", "1: {", "3: bad_notvm", "5: bad_notother", "8: bad_empty", "10: }"]),
        // Unknown keyword '@vm': the prefix is removed once, not again.
        Vector("@ID @ID", "@vm @vm bad_double", ["1: @vm bad_double"]),
        // Unknown keyword 'bad_condcond': a definition that expands to @ID is a conditional, but
        // keepalived removes the prefix with the line's length before substitution.
        Vector("$C=@ID, longer line", "$C=@vm\n$C bad_cond", ["2: bad_condcond"]),
        // Unknown keyword 'xvm'.
        Vector("$C=@ID, short line", "$C=@vm\n$C x", ["2: xvm x"]),
        // Nothing: the conditional is for another id.
        Vector("$C=@other", "$C=@other\n$C bad_cond2", []),
        // -i vml: Unknown keyword '@vml' (keepalived's length wraps round; it moves nothing).
        Vector("$C=@ID one longer", "$C=@vml\n$C x", id: "vml", ["2: @vml x"]),
    ]

    static let definitions: [Vector] = [
        // Unknown keyword '$SP' (2, 11), '$KW.x' (7), 'router_idx' (8), 'two' (9), '$UNDEF' (10),
        // 'atwo' (12), 'router_id,' (13); lines 5 and 6 set router_id.
        Vector(
            "definitions",
            ##"""
            $KW=router_id
            $SP = bad_spaced
            $T2=\##t two words\##u{20}\##u{20}
            global_defs {
            $KW foo
            ${KW} foo
            $KW.x foo
            ${KW}x foo
            $T2
            $UNDEF x
            $SP
            a$T2,b
            $KW,
            }
            """##,
            [
                "2: $SP = bad_spaced", "4: global_defs", "4: {", "5: router_id foo", "6: router_id foo", "7: $KW.x foo",
                "8: router_idx foo", "9: two words", "10: $UNDEF x", "11: $SP", "12: atwo words,b", "13: router_id,", "14: }",
            ]),
        // Unknown keyword 'bad_ex'.
        Vector("empty value", "$E=\nbad_e${E}x $E y", ["2: bad_ex  y"]),
        // Parent: bad_one, bad_two, bad_three at lines 7, 8 (after 'x') and 9; '$ML' (10);
        // bad_after_empty (14); bad_a (16). Checker: bad_two (4), bad_three (5) and
        // bad_after_empty (14) at the top level: in its copy the comment line is empty and ends
        // the definition.
        Vector("multi-line definition", multiline, reading: .parent, multilineParent),
        Vector(
            "multi-line definition, checker", multiline,
            [
                "4: bad_two x\\", "5: bad_three", "6: global_defs", "6: {", "7: bad_one", "8: x bad_one", "9: bad_one",
                "10: $ML y", "11: }", "14: bad_after_empty", "15: global_defs", "15: {", "16: bad_a", "17: }",
            ]),
        // Unknown keyword 'bad_rs_1', 'bad_rs2_1', 'bad_rs_2', 'bad_rs2_2'.
        Vector(
            "multi-line definition in ~SEQ", "$RS=bad_rs_$V \\\n  bad_rs2_$V\n~SEQ(V,1,2) $RS",
            ["3: bad_rs_1", "3: bad_rs2_1", "3: bad_rs_2", "3: bad_rs2_2"]),
        // Unknown keyword 'bad_rs_1', 'bad_w$V1', 'bad_w$V2', 'bad_last1', 'bad_rs_2', …: a ~SEQ
        // within a definition runs to its end before the definition's next line; $V followed by
        // $ is no reference.
        Vector(
            "~SEQ in a multi-line definition in ~SEQ",
            "$RS=bad_rs_$V \\\n  ~SEQ(W,1,2) bad_w$V$W \\\n bad_last$V\n~SEQ(V,1,2) $RS",
            [
                "4: bad_rs_1", "4: bad_w$V1", "4: bad_w$V2", "4: bad_last1", "4: bad_rs_2", "4: bad_w$V1", "4: bad_w$V2",
                "4: bad_last2",
            ]),
        // Unknown keyword 'bad_s1', 'bad_s2': a value starting with ~ is read as a ~SEQ line.
        Vector("$S=~SEQ", "$S=~SEQ(i,1,2) bad_s$i\n$S", ["2: bad_s1", "2: bad_s2"]),
        // Unknown keyword 'x': not at the start of the line, it is text.
        Vector("x $S=~SEQ", "$S= ~SEQ(i,1,2) bad_s$i\nx $S", ["2: x ~SEQ(i,1,2) bad_s$i"]),
        // Accepted: a definition unfinished at the end of the configuration just ends.
        Vector("unfinished at the end", "global_defs {\n}\n$X=bad_x\\", ["1: global_defs", "1: {", "2: }"]),
        // Unknown keyword 'bad_absorbed' (3), then 'bad_first' and 'yyy…' (4): a line of exactly
        // 1023 bytes is read as itself and an empty line, which ends the definition.
        Vector(
            "1023-byte continuation", "$X=bad_first\\\n" + String(repeating: "y", count: 1022) + "\\\nbad_absorbed\n$X",
            ["3: bad_absorbed", "4: bad_first", "4: " + String(repeating: "y", count: 1022)]),
    ]

    static let multiline = ##"""
        $ML=bad_one \
           # a comment line inside
        \##u{20}\##u{20}\##u{20}\##u{20}
          bad_two x \
        bad_three
        global_defs {
        $ML
        x $ML
        ${ML}
        $ML y
        }
        $M2=bad_a\

        bad_after_empty
        global_defs {
        $M2
        }
        """##

    static let multilineParent = [
        "6: global_defs", "6: {", "7: bad_one", "7: bad_two x", "7: bad_three", "8: x bad_one", "8: bad_two x", "8: bad_three",
        "9: bad_one", "9: bad_two x", "9: bad_three", "10: $ML y", "11: }", "14: bad_after_empty", "15: global_defs", "15: {",
        "16: bad_a", "17: }",
    ]

    static let sequences: [Vector] = [
        // Unknown keyword, in this order: bad_a1-3, bad_b1-3, bad_c5 bad_c4 bad_c3, bad_d-1
        // bad_d-2, bad_e9 bad_ec bad_ef, bad_f1_1 bad_f1_2 bad_f2_1 bad_f2_2, bad_g3 (the variable
        // stays defined), bad_z1 bad_z0, bad_y1 bad_y0.
        Vector(
            "~SEQ",
            ##"""
            ~SEQ(i, 1, 3) bad_a$i
            ~SEQ(i,3) bad_b$i
            ~SEQ(j, 5, 3) bad_c$j
            ~SEQ(k,-2) bad_d$k
            ~SEQx(h, 0x9, 3, 0x10) bad_e$h
            ~SEQ(a,1,2) ~SEQ(b,1,2) bad_f${a}_$b
            bad_g$i
            ~SEQ(i,0) bad_z$i
            ~SEQ(i,) bad_y$i
            """##,
            [
                "1: bad_a1", "1: bad_a2", "1: bad_a3", "2: bad_b1", "2: bad_b2", "2: bad_b3", "3: bad_c5", "3: bad_c4",
                "3: bad_c3",
                "4: bad_d-1", "4: bad_d-2", "5: bad_e9", "5: bad_ec", "5: bad_ef", "6: bad_f1_1", "6: bad_f1_2", "6: bad_f2_1",
                "6: bad_f2_2", "7: bad_g3", "8: bad_z1", "8: bad_z0", "9: bad_y1", "9: bad_y0",
            ]),
        // Unknown keyword 'bad0' … 'bad3': whatever follows the variable is skipped, and the
        // missing number is 0.
        Vector("~SEQ(i j, …)", "~SEQ(i j,1,3) bad$i", ["1: bad0", "1: bad1", "1: bad2", "1: bad3"]),
        // Unknown keyword 'bad1', 'bad2' (both).
        Vector("~SEQ (", "~SEQ  (i, 2) bad$i", ["1: bad1", "1: bad2"]),
        Vector("~SEQx (", "~SEQx (i, 2) bad$i", ["1: bad1", "1: bad2"]),
        // Unknown keyword '~FOO': other ~ lines are left alone, definitions and all.
        Vector("~FOO", "$X=1\n~FOO bad $X", ["2: ~FOO bad $X"]),
        // Unknown keyword bad1-3, bad_j1-3: definitions in the numbers are replaced.
        Vector(
            "~SEQ with definitions", "$N=3\n~SEQ(i,1,$N) bad$i\n~SEQ(j,${N}) bad_j$j",
            ["2: bad1", "2: bad2", "2: bad3", "3: bad_j1", "3: bad_j2", "3: bad_j3"]),
        // Unknown keyword 'x', Unexpected '{', 'bad_in1', '}' and again for 2.
        Vector(
            "~SEQ with braces", "~SEQ(i,1,2) x { bad_in$i }",
            ["1: x", "1: {", "1: bad_in1", "1: }", "1: x", "1: {", "1: bad_in2", "1: }"]),
    ]

    static let lists: [Vector] = [
        // Unknown keyword 'bada', 'badb'.
        Vector("~LST", "~LST(i, a, b) bad$i", ["1: bada", "1: badb"]),
        // 'bad_a_', 'bad_b_c': missing values are empty.
        Vector("~LST sets", "~LST({i,j}, {a}, {b,c}) bad_${i}_${j}", ["1: bad_a_", "1: bad_b_c"]),
        // 'bad_a_', 'bad_b_'.
        Vector("~LST sets without braces", "~LST({i,j}, a, b) bad_${i}_${j}", ["1: bad_a_", "1: bad_b_"]),
        // 'bad_l1', 'bad_l$N', 'bad_l3': values are substituted when used.
        Vector("~LST value undefined", "~LST(v, 1, $N, 3) bad_l$v\n$N=9", ["1: bad_l1", "1: bad_l$N", "1: bad_l3"]),
        // 'bad_l1', 'bad_l9', 'bad_l3'.
        Vector("~LST value defined", "$N=9\n~LST(v, 1, $N, 3) bad_l$v", ["2: bad_l1", "2: bad_l9", "2: bad_l3"]),
    ]

    static let predefined: [Vector] = [
        // Unknown keyword 'bad_rnd5'.
        Vector("${_RANDOM 5 5}", "bad_rnd${_RANDOM 5 5}", ["1: bad_rnd5"]),
        // keepalived drew 'bad_rnd10533' for both; the stand-in is MIN.
        Vector("${_RANDOM}", "bad_rnd${_RANDOM}", ["1: bad_rnd0"]),
        Vector("$_RANDOM", "bad_rnd$_RANDOM", ["1: bad_rnd0"]),
        // Stand-ins only (keepalived draws): MIN, cut to as many characters as MAX has digits.
        Vector("${_RANDOM 7}", "a ${_RANDOM 7}\nb ${_RANDOM 12 3}", ["1: a 7", "2: b 1"]),
        // 'bad_rnd$', Unexpected '{', '_RANDOM', '}': a blank before } is no reference.
        Vector("${_RANDOM 5 }", "bad_rnd${_RANDOM 5 }", ["1: bad_rnd$", "1: {", "1: _RANDOM 5", "1: }"]),
        // 'bad5y_RANDOM', Extra '}', 'yz': keepalived shortens ${_RANDOM MIN MAX} in the middle of
        // a line by moving only the reference's own bytes.
        Vector("${_RANDOM 5 5} mid-line", "bad${_RANDOM 5 5}yz more", ["1: bad5y_RANDOM 5 5", "1: }", "1: yz more"]),
        // 'bad_h': the # the value brings starts a comment.
        Vector("${_HASH}", "bad_h${_HASH}x", ["1: bad_h"]),
        // -i myid: 'bad_imyid'.
        Vector("${_INSTANCE}", "bad_i${_INSTANCE}", id: "myid", ["1: bad_imyid"]),
        // 'bad_p/tmp/kt'.
        Vector("${_PWD}", "bad_p${_PWD}", main: "/tmp/kt/tf.conf", ["1: bad_p/tmp/kt"]),
        // 'badk', Extra '}', 'z': blanks before } end the name, and only the name is replaced.
        Vector("${K  }", "$K=k\nbad${K  }z", ["2: badk", "2: }", "2: z"]),
        // 'bad$', Unexpected '{', 'K', '}', 'z': only _RANDOM takes parameters.
        Vector("${K 1}", "$K=k\nbad${K 1}z", ["2: bad$", "2: {", "2: K 1", "2: }", "2: z"]),
    ]

    static let braces: [Vector] = [
        // "There are 1 missing '}'s": what follows a brace is a line of its own, here a
        // conditional line for another id, dropped whole.
        Vector("@other after {", "global_defs { @other bad_hidden } bad_after_close", ["1: global_defs", "1: {"]),
        // Unknown keyword 'bad_shown'.
        Vector("@vm after {", "global_defs { @vm bad_shown }", ["1: global_defs", "1: {", "1: bad_shown", "1: }"]),
        // Unknown keyword 'bad_z' (2): a definition after {, with the } in its value.
        Vector("definition after {", "global_defs { $Z=bad_z }\n$Z", ["1: global_defs", "1: {", "2: bad_z", "2: }"]),
    ]

    static let includes: [Vector] = [
        // (Line 3) 'bad_inc_def', 'bad_absorbed': a definition unfinished at the end of an
        // included file goes on in the including file.
        Vector(
            "definition continued after include", "include inc2.conf\nbad_absorbed\n$X", files: ["inc2.conf": "$X=bad_inc_def\\"],
            ["1: include inc2.conf", "3: bad_inc_def", "3: bad_absorbed"]),
        // (Line 3) 'bad_after', (Line 4) 'bad_inc_def'.
        Vector(
            "definition ended after include", "include inc2.conf\n\nbad_after\n$X", files: ["inc2.conf": "$X=bad_inc_def\\"],
            ["1: include inc2.conf", "3: bad_after", "4: bad_inc_def"]),
        // (Line 3) 'bad_x', then inc1.conf's 'bad_inc1': the parent takes the include line into
        // the definition and includes the file where it is used; the checker's copy has an empty
        // line there, which ends the definition.
        Vector(
            "include in a definition", "$X=bad_x\\\ninclude inc1.conf\n$X", files: ["inc1.conf": "bad_inc1"],
            ["3: bad_x", "3: include inc1.conf", "inc1.conf:1: bad_inc1"]),
        Vector(
            "comment and include in a definition", "$X=bad_x\\\n  # c\ninclude inc1.conf\n$X", files: ["inc1.conf": "bad_inc1"],
            ["4: bad_x", "4: include inc1.conf", "inc1.conf:1: bad_inc1"]),
        // 'bad_inc1' seven times: once by the parent, twice by each of the copy's readers (not
        // reproduced: read once).
        Vector(
            "@ID include", "@vm include inc1.conf", files: ["inc1.conf": "bad_inc1"],
            ["1: include inc1.conf", "inc1.conf:1: bad_inc1"]),
        // inc_2.conf's 'bad_second_file', inc_1.conf's 'bad_first_file', then 'bad_after'.
        Vector(
            "includes from ~SEQ", "~SEQ(i,1,2) include inc_${i}.conf\nbad_after",
            files: ["inc_1.conf": "bad_first_file", "inc_2.conf": "bad_second_file"],
            [
                "1: include inc_2.conf", "inc_2.conf:1: bad_second_file", "1: include inc_1.conf", "inc_1.conf:1: bad_first_file",
                "2: bad_after",
            ]),
        // (Line 1) 'bad_m/tmp/kt', (sub/p.conf: Line 1) 'bad_p/tmp/kt/sub'.
        Vector(
            "${_PWD} in an included file", "bad_m${_PWD}\ninclude sub/p.conf", files: ["/tmp/kt/sub/p.conf": "bad_p${_PWD}"],
            main: "/tmp/kt/pm.conf",
            ["1: bad_m/tmp/kt", "2: include sub/p.conf", "/tmp/kt/sub/p.conf:1: bad_p/tmp/kt/sub"]),
    ]

    static let lines: [Vector] = [
        // 'bad_longxxx…' (the first 1023 bytes), then 'bad_second'.
        Vector(
            "a line over 1023 bytes", "bad_long" + String(repeating: "x", count: 1015) + "bad_second more",
            ["1: bad_long" + String(repeating: "x", count: 1015), "1: bad_second more"]),
        // 'bad_yyy…', Unexpected '{', 'B', '}', 'yyy…': substitution stops where the line would
        // pass 1023 bytes; the rest after the brace is read again.
        Vector(
            "substitution past 1023 bytes",
            "$A=" + String(repeating: "y", count: 600) + "\n$B=" + String(repeating: "z", count: 600) + "\nbad_${A}${B} $A end",
            [
                "3: bad_" + String(repeating: "y", count: 600) + "$", "3: {", "3: B", "3: }",
                "3: " + String(repeating: "y", count: 600) + " end",
            ]),
        // 'bad_nul', 'bad_next': a line ends at a NUL.
        Vector("NUL", "bad_nul\u{0}hidden\nbad_next", ["1: bad_nul", "2: bad_next"]),
        // Parent: 'bad#x'; checker: 'bad' (its copy holds bad#x).
        Vector("\\# (parent)", ##"bad\#x"##, reading: .parent, ["1: bad#x"]),
        Vector("\\# (checker)", ##"bad\#x"##, ["1: bad"]),
        // Parent: 'x!y'; checker: 'x'.
        Vector("\\! (parent)", ##"x\!y"##, reading: .parent, ["1: x!y"]),
        Vector("\\! (checker)", ##"x\!y"##, ["1: x"]),
        // Unknown keyword 'bad_q': a quote in a comment does not count.
        Vector("quote in a comment", ##"bad_q "abc" # "x"##, [##"1: bad_q "abc""##]),
    ]

    @Test(arguments: vectors)
    func vector(_ vector: Vector) throws {
        #expect(try Self.read(vector) == vector.expected)
    }

    // MARK: Errors

    struct Failure: Sendable, CustomTestStringConvertible {
        var text: String
        var id = "vm"
        var line: Int
        var column: Int
        /// A part of the message's `expected`.
        var expected: String

        var testDescription: String { text }
    }

    static let failures: [Failure] = [
        // Each: "Invalid ~SEQ specification" (and a more precise error), exit status 5.
        Failure(text: "~SEQ(i,1,0,3) x", line: 1, column: 1, expected: "a step that goes from START to END"),
        Failure(text: "~SEQ(i,3,1,1) x", line: 1, column: 1, expected: "a step that goes from START to END"),
        Failure(text: "~SEQ(i,1,1,3 x", line: 1, column: 1, expected: "a closing parenthesis"),
        Failure(text: "~SEQ(i) x", line: 1, column: 1, expected: "a variable and an end"),
        Failure(text: "~SEQ() x", line: 1, column: 1, expected: "a variable and an end"),
        Failure(text: "~SEQ(,1) x", line: 1, column: 1, expected: "a variable and an end"),
        Failure(text: "~SEQUENCE x", line: 1, column: 1, expected: "an opening parenthesis"),
        Failure(text: "~SEQx(i,-1,1,3) x", line: 1, column: 1, expected: "no negative numbers"),
        Failure(text: "~SEQ(i,1,1,3,4) x", line: 1, column: 1, expected: "at most three numbers"),
        Failure(text: "~SEQ(i,1x,3) x", line: 1, column: 1, expected: "numbers"),
        Failure(text: "~SEQ x(i, 2) bad$i", line: 1, column: 1, expected: "an opening parenthesis"),
        Failure(text: "  ~SEQ(i,1,2 x", line: 1, column: 3, expected: "a closing parenthesis"),
        // "Invalid ~LST specification".
        Failure(text: "~LST(i) x", line: 1, column: 1, expected: "variables separated by commas"),
        Failure(text: "~LST({i,j}, {a,b,c}) x", line: 1, column: 1, expected: "no more values than variables"),
        // "Unterminated quote".
        Failure(text: ##"bad_q "abc"##, line: 1, column: 7, expected: "a closing \""),
        // Segmentation fault: the checker reads "!bad_bang" in its copy as the end of an
        // included file.
        Failure(text: ##"\!bad_bang"##, line: 1, column: 1, expected: "no line starting with \\# or \\!"),
        // The checker reads "#bad_hash" as the start of an included file and skips the line.
        Failure(text: ##"\#bad_hash"##, line: 1, column: 1, expected: "no line starting with \\# or \\!"),
        Failure(text: ##"  \#bad_hash2"##, line: 1, column: 3, expected: "no line starting with \\# or \\!"),
        // Floating point exception (a division by zero).
        Failure(text: "bad_rnd${_RANDOM 1 0}", line: 1, column: 18, expected: "MIN at most MAX"),
        // Hangs.
        Failure(text: "$X=$X\nbad $X", line: 2, column: 5, expected: "a definition that does not refer to itself"),
        Failure(text: "$X=$Y\n$Y=${X}\nbad $X", line: 3, column: 5, expected: "a definition that does not refer to itself"),
        Failure(text: "$S=~SEQ(i,1,2) $S\n$S", line: 2, column: 1, expected: "a definition that does not refer to itself"),
        // Endless 'bad_a' lines.
        Failure(
            text: "$ML=bad_a\\\n$ML\n\nglobal_defs {\n$ML\n}", line: 5, column: 1,
            expected: "a definition that does not refer to itself"),
        // keepalived stops at 1023 bytes ("Unknown keyword 'bad'"); 32 nested definitions are
        // the bound here.
        Failure(text: "$X=a$X\nbad $X", line: 2, column: 5, expected: "a definition that does not refer to itself"),
        // -i vmlong, -i vmlo: "double free or corruption".
        Failure(text: "$C=@vmlong\n$C x", id: "vmlong", line: 2, column: 1, expected: "keepalived 2.2.7 overruns its buffer"),
        Failure(text: "$C=@vmlo\n$C x", id: "vmlo", line: 2, column: 1, expected: "keepalived 2.2.7 overruns its buffer"),
        // Runs through 2^63 values (killed after 10 s).
        Failure(text: "~SEQ(i,123456789012345678901234567890,3) x", line: 1, column: 1, expected: "at most 65536 values"),
    ]

    @Test(arguments: failures)
    func failure(_ failure: Failure) {
        let error = #expect(throws: LintInputError.self) { try Self.read(failure.text, id: failure.id) }
        #expect(error?.location.line == failure.line)
        #expect(error?.location.column == failure.column)
        #expect(error?.expected.contains(failure.expected) == true, "\(error?.expected ?? "")")
    }

    @Test func locationsCountCharacters() {
        let error = #expect(throws: LintInputError.self) { try Self.read("é ${_RANDOM 2 1}") }
        #expect(error?.location.column == 13)
    }

    // MARK: Bounds

    @Test func aSequenceOf65536ValuesIsRead() throws {
        let lines = try Self.read("~SEQ(i,0,65535) x$i")
        #expect(lines.count == 65_536)
        #expect(lines.last == "1: x65535")
    }

    @Test func aLongerSequenceIsAnError() {
        let error = #expect(throws: LintInputError.self) { try Self.read("~SEQ(i,0,65536) x$i") }
        #expect(error?.found == "a ~SEQ of 65537 values")
    }

    @Test func nestedSequencesAreBoundedByTheLinesTheyYield() {
        let error = #expect(throws: LintInputError.self) { try Self.read("~SEQ(a,1,300) ~SEQ(b,1,300) x") }
        #expect(error?.location.line == 1)
        #expect(error?.location.column == 29)
        #expect(error?.found == "more than 65536 lines from one line")
    }

    /// keepalived reads this (300,000 definitions) in half a second; here it is past the bound on
    /// lines made from one line.
    @Test func linesThatYieldNothingAreBoundedToo() {
        let error = #expect(throws: LintInputError.self) { try Self.read("~SEQ(a,1,60000) ~SEQ(b,1,5) $D=x") }
        #expect(error?.found == "more than 262144 lines from one line")
    }

    @Test func definitionsNest32Deep() throws {
        var text = "$D1=end\n"
        for level in 2...32 { text += "$D\(level)=$D\(level - 1)\n" }
        #expect(try Self.read(text + "x $D32") == ["33: x end"])
        let error = #expect(throws: LintInputError.self) { try Self.read(text + "$D33=$D32\nx $D33") }
        #expect(error?.location.line == 34)
        #expect(error?.location.column == 3)
    }

    @Test func aMultiLineDefinitionCanBeLong() throws {
        let text = "$M=a\\\n" + String(repeating: "b\\\n", count: 5_000) + "c\n$M"
        let lines = try Self.read(text)
        #expect(lines.count == 5_002)
        #expect(lines.first == "5003: a")
        #expect(lines.last == "5003: c")
    }

    @Test func aHugeLineIsReadInPieces() throws {
        let lines = try Self.read(String(repeating: "x", count: 1 << 20))
        #expect(lines.count == (1 << 20) / 1023 + 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 1023 + 3 })
    }

    /// With a bound of 1,000 (the real one, 4,194,304, takes 4,194,304 steps to reach).
    @Test func expansionIsBoundedOverTheConfiguration() throws {
        var preprocessor = KeepalivedPreprocessor(configID: "vm", expandedLineBound: 1_000)
        let file = SourceFile(name: "main.conf", text: String(repeating: "~SEQ(i,1,300) $D=x\n", count: 4))
        for number in 1...3 { #expect(try preprocessor.lines(from: file.lines[number - 1], file: file, number: number) == []) }
        let error = #expect(throws: LintInputError.self) { try preprocessor.lines(from: file.lines[3], file: file, number: 4) }
        #expect(error?.location.line == 4)
        #expect(error?.found == "more than 1000 lines from ~SEQ, ~LST and definitions")
    }

    // MARK: Config id

    @Test func theDefaultIdIsTheHostNameUpToItsFirstDot() throws {
        let id = KeepalivedPreprocessor.defaultConfigID()
        #expect(!id.contains("."))
        #expect(KeepalivedPreprocessor(configID: nil).configID == id)
        #expect(try Self.read("@\(id) kept\n@^\(id) dropped", id: nil) == ["1: kept"])
    }
}
