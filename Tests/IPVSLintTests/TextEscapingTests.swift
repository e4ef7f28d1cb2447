import SystemSupport
import Testing

/// The escapers every text format shares: lint reports (JSON, SARIF, checkstyle, JUnit), log
/// lines (JSON, logfmt) and the landing page. The golden files cover them on realistic text;
/// these pin the edges: control characters, quotes, backslashes and non-ASCII.
@Suite struct TextEscapingTests {
    @Test func jsonEscapesQuotesBackslashAndControls() async {
        #expect(TextEscaping.jsonString("") == #""""#)
        #expect(TextEscaping.jsonString(#"say "hi"\now"#) == #""say \"hi\"\\now""#)
        #expect(TextEscaping.jsonString("a\nb\rc\td") == #""a\nb\rc\td""#)
        // DEL is not a C0 control: JSON lets it through.
        #expect(TextEscaping.jsonString("\u{0}\u{1}\u{1F}\u{7F}") == #""\u0000\u0001\u001f"# + "\u{7F}\"")
        #expect(TextEscaping.jsonString("\u{8}\u{C}") == #""\u0008\u000c""#)
    }

    @Test func jsonKeepsNonASCIIAsIs() async {
        #expect(TextEscaping.jsonString("café ☃ 𝄞 e\u{301}") == "\"café ☃ 𝄞 e\u{301}\"")
        #expect(TextEscaping.jsonString("\u{2028}\u{2029}") == "\"\u{2028}\u{2029}\"")
    }

    @Test func xmlEscapesEntitiesNewlinesAndControls() async {
        #expect(TextEscaping.xml(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;")
        #expect(TextEscaping.xml("one\ntwo") == "one&#10;two")
        // Tab is allowed in XML 1.0; the other C0 controls are not, even as references.
        #expect(TextEscaping.xml("a\tb") == "a\tb")
        #expect(TextEscaping.xml("\u{0}\u{1}\r\u{1B}") == "????")
        #expect(TextEscaping.xml("café ☃ 𝄞 \u{7F}") == "café ☃ 𝄞 \u{7F}")
        #expect(TextEscaping.xml(#"back\slash"#) == #"back\slash"#)
    }

    @Test func htmlEscapesTheFiveCharacters() async {
        #expect(
            TextEscaping.html(#"<b class="x">Tom & Jerry's</b>"#)
                == "&lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;")
        #expect(TextEscaping.html("/metrics") == "/metrics")
        #expect(TextEscaping.html("a\nb\u{1}\\ café ☃") == "a\nb\u{1}\\ café ☃")
    }

    @Test func logfmtQuotesOnlyWhatNeedsIt() async {
        #expect(TextEscaping.logfmtValue("plain") == "plain")
        #expect(TextEscaping.logfmtValue("café☃") == "café☃")
        #expect(TextEscaping.logfmtValue("") == #""""#)
        #expect(TextEscaping.logfmtValue("a b") == #""a b""#)
        #expect(TextEscaping.logfmtValue("k=v") == #""k=v""#)
        #expect(TextEscaping.logfmtValue(#"say "hi""#) == #""say \"hi\"""#)
        #expect(TextEscaping.logfmtValue(#"C:\dir"#) == #""C:\\dir""#)
        #expect(TextEscaping.logfmtValue("one\ntwo\rthree") == #""one\ntwo\rthree""#)
        // Other newlines only trigger the quotes; a tab alone does not.
        #expect(TextEscaping.logfmtValue("a\u{2028}b") == "\"a\u{2028}b\"")
        #expect(TextEscaping.logfmtValue("a\tb") == "a\tb")
    }
}
