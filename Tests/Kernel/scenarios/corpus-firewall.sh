# iptables-restore --test on every dump of the firewall corpus (Tests/Fixtures/corpus/iptables),
# inside the lab kernel, which has the netfilter modules the host may lack. The ipsets a dump
# names (IPSETS.tsv) are created first, list:set ones after the sets they may hold. Writes
# /out/corpus/iptables-restore.tsv: file, exit status, first line of the tool's complaint.
# lab-add: Tests/Fixtures/corpus/iptables=/test/corpus/iptables
# lab-add: /usr/sbin/ipset=/usr/sbin/ipset
# lab-output: corpus/iptables-restore.tsv
. /test/lib.sh

CORPUS=/test/corpus/iptables
mkdir -p "$OUT/corpus"
modprobe ip_set 2>/dev/null
for pass in members lists; do
    tail -n +2 "$CORPUS/IPSETS.tsv" | while IFS="$(printf '\t')" read -r file set type family; do
        case "$pass/$type" in
            members/list:set|lists/hash:*|lists/bitmap:*) continue ;;
        esac
        if [ "$type" = "list:set" ]; then
            ipset create -exist "$set" list:set
        else
            ipset create -exist "$set" "$type" family "$family"
        fi
    done
done

result=$OUT/corpus/iptables-restore.tsv
printf 'file\tstatus\tmessage\n' > "$result"
tail -n +2 "$CORPUS/SOURCES.tsv" | while IFS="$(printf '\t')" read -r file repository path commit license family note; do
    tool=iptables-restore
    [ "$family" = ipv6 ] && tool=ip6tables-restore
    message=$("$tool" --test < "$CORPUS/$file" 2>&1)
    status=$?
    printf '%s\t%s\t%s\n' "$file" "$status" "$(printf '%s\n' "$message" | head -n 1 | tr '\t' ' ')" >> "$result"
done
