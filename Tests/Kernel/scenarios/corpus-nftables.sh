# nft -c -f on every ruleset of the nftables corpus (Tests/Fixtures/corpus/nftables), text and
# JSON (-j), inside the lab kernel, in a fresh network namespace each. Writes
# /out/corpus/nft-check.tsv: file, exit status, first line of nft's complaint.
# lab-add: Tests/Fixtures/corpus/nftables=/test/corpus/nftables
# lab-output: corpus/nft-check.tsv
. /test/lib.sh

CORPUS=/test/corpus/nftables
mkdir -p "$OUT/corpus"
result=$OUT/corpus/nft-check.tsv
printf 'file\tstatus\tmessage\n' > "$result"
tail -n +2 "$CORPUS/SOURCES.tsv" | while IFS="$(printf '\t')" read -r file rest; do
    json=""
    case "$file" in *.json) json=-j ;; esac
    ip netns add check
    message=$(ip netns exec check nft $json -c -f "$CORPUS/$file" 2>&1)
    status=$?
    ip netns del check
    printf '%s\t%s\t%s\n' "$file" "$status" "$(printf '%s\n' "$message" | grep -v '^$' | head -n 1 | tr '\t' ' ')" >> "$result"
done
