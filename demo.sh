#!/usr/bin/env bash
# Runs the Passerelle distribution with the demo (SPEC 7):
#   ./demo.sh          Karaf with its console (type "logout" or Ctrl-D to stop)
#   ./demo.sh server   Karaf without a console, for scripts (stop it with Ctrl-C or kill)
# Then, from another terminal:
#   curl -si http://localhost:8080/     the demo page, through the proxy
#   tail -f target/demo-run/data/log/passerelle-access.log
#
# The distribution is built first if karaf-assembly/target/assembly is missing. Each run
# starts from a fresh copy in target/demo-run/, so the built assembly stays pristine and
# a run never inherits the previous one's state.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
assembly="$here/karaf-assembly/target/assembly"
run="$here/target/demo-run"

case "${1:-}" in
    "")     mode=() ;;
    server) mode=(server) ;;
    *)      echo "usage: $0 [server]" >&2; exit 2 ;;
esac

if [ ! -x "$assembly/bin/karaf" ]; then
    echo "Building Passerelle (mvn -q -DskipTests install)..." >&2
    (cd "$here" && mvn -q -DskipTests install)
fi

rm -rf "$run"
mkdir -p "$(dirname "$run")"
cp -a "$assembly" "$run"

# Boot the demo feature too: append it to the featuresBoot list (a value that may span
# several lines with trailing backslashes).
cfg="$run/etc/org.apache.karaf.features.cfg"
awk '
    /^[[:space:]]*featuresBoot[[:space:]]*[=:]/ { inboot = 1 }
    inboot && !/\\[[:space:]]*$/ {
        # last line of the featuresBoot value
        sub(/[[:space:]]+$/, "")
        if ($0 ~ /[=:]$/) { $0 = $0 " passerelle-demo" } else { $0 = $0 ", passerelle-demo" }
        inboot = 0; done = 1
    }
    { print }
    END { if (!done) print "featuresBoot = passerelle-demo" }
' "$cfg" > "$cfg.tmp"
mv "$cfg.tmp" "$cfg"

# bin/karaf must use this copy, not a Karaf the caller may have configured
unset KARAF_HOME KARAF_BASE KARAF_DATA KARAF_ETC KARAF_LOG

echo "Passerelle demo in $run: http://localhost:8080/ (backends on 127.0.0.1:9080 and :9081)" >&2
exec "$run/bin/karaf" ${mode[@]+"${mode[@]}"}
