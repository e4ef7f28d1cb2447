# The demo director's control port (demo/run.sh quiesce|restore|show): one command per
# connection, read from the socket, answered on it.
#
#   quiesce ADDRESS   weight 0 for ADDRESS in every service: no new connections
#   restore ADDRESS   weight 1 again
#   show              ipvsadm -Ln
exec 2>&1
read -r verb address
case "$verb" in
    quiesce) weight=0 ;;
    restore) weight=1 ;;
    show) ipvsadm -Ln; exit 0 ;;
    *) echo "unknown command '$verb': quiesce ADDRESS, restore ADDRESS or show"; exit 0 ;;
esac
# `-a -t VIP:PORT -r RS:PORT -m -w 1` lines: edit each whose real server is ADDRESS.
changed=$(ipvsadm -S -n | awk -v address="$address" -v weight="$weight" '
    $1 == "-a" && $4 == "-r" {
        host = $5; sub(/:[0-9]+$/, "", host)
        if (host != address) next
        $1 = "-e"
        for (i = 6; i < NF; i++) if ($i == "-w") $(i + 1) = weight
        print
    }')
if [ -z "$changed" ]; then
    echo "no real server $address (the demo has 172.16.1.11 and 172.16.2.11)"
    exit 0
fi
echo "$changed" | while read -r line; do
    # shellcheck disable=SC2086 # the line is ipvsadm's words
    ipvsadm $line && echo "ipvsadm $line"
done
