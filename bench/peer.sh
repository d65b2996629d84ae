#!/usr/bin/env bash
# The SQL-by-hand peer (bench/peer.sql) as one process: psql, a staging table, \copy, one FULL OUTER
# JOIN. Prints the breaks per class; --breaks FILE also receives every break as class,reference,kind.
#
#   bench/peer.sh --database-url URL --provider NAME --from YYYY-MM-DD --to YYYY-MM-DD --file FILE
#                 [--format stripe|adyen|camt053] [--breaks FILE] [--lookback-days 3] [--lookahead-days 1]
#
# stripe and adyen: psql's \copy reads the CSV itself (bench/peer-<format>.sql); camt053: the XML is
# streamed into rows by Python's lxml.etree.iterparse (bench/camt_rows.py) and piped into psql.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="" provider="" from="" to="" file="" format=stripe breaks=/dev/null lookback=3 lookahead=1
while [ $# -gt 0 ]; do
  case "$1" in
    --database-url) url="$2"; shift 2 ;;
    --provider) provider="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --to) to="$2"; shift 2 ;;
    --file) file="$2"; shift 2 ;;
    --format) format="$2"; shift 2 ;;
    --breaks) breaks="$2"; shift 2 ;;
    --lookback-days) lookback="$2"; shift 2 ;;
    --lookahead-days) lookahead="$2"; shift 2 ;;
    *) echo "peer.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
for required in url provider from to file; do
  [ -n "${!required}" ] || { echo "peer.sh: --${required/url/database-url} is required" >&2; exit 64; }
done
[ -r "$file" ] || { echo "peer.sh: cannot read $file" >&2; exit 66; }
[ -r "$here/peer-$format.sql" ] || { echo "peer.sh: no loader for --format $format (stripe, adyen, camt053)" >&2; exit 64; }

stream_from="$(date -u -d "$from - $lookback days" +%F)"
stream_to="$(date -u -d "$to + $((1 + lookahead)) days" +%F)"
peer() {
  psql -X -q -At -F ' ' -d "$url" -v ON_ERROR_STOP=1 -v provider="$provider" -v from="$from" -v to="$to" \
    -v stream_from="$stream_from" -v stream_to="$stream_to" -v breaks_out="$breaks" \
    -v loader="$here/peer-$format.sql" -f "$here/peer.sql"
}
if [ "$format" = camt053 ]; then
  # Debian's python3-lxml is in the system Python (a pyenv python3 first on the PATH lacks it)
  python="$(command -v /usr/bin/python3 || command -v python3)"
  "$python" "$here/camt_rows.py" "$file" | peer
else
  peer < "$file"
fi
