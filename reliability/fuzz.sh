#!/usr/bin/env bash
# The long fuzzing run (issue 10): every fuzz target in fuzzing mode (Jazzer, JAZZER_FUZZ=1), for the
# maxDuration of its @FuzzTest (ten minutes each), one after the other. What each run kept (its
# corpus, in bundles/*/.cifuzz-corpus/) is then copied into the test resources beside its seeds, where
# `mvn verify` replays it as a regression test; a crashing input Jazzer finds is written there by
# Jazzer itself and fails the run. A line per target says how many inputs ran, the coverage reached,
# the corpus size, and what was found.
#
#   reliability/fuzz.sh                               all six targets (about an hour)
#   reliability/fuzz.sh core:ParsersFuzzTest#requestHead
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(core:ParsersFuzzTest#requestHead core:ParsersFuzzTest#chunkedBody core:ParsersFuzzTest#responseHead
             core:ParsersFuzzTest#pathNormaliser core:ParsersFuzzTest#routeTemplates rewrite:RuleSetFuzzTest#ruleSets)
fi
declare -A package=([ParsersFuzzTest]=io.passerelle.core.internal.fuzz [RuleSetFuzzTest]=io.passerelle.rewrite.internal.engine)
mvn -q -B -ntp -DskipTests install -pl bundles/core,bundles/rewrite -am
mkdir -p target
status=0
for t in "${targets[@]}"; do
    module="${t%%:*}" test="${t#*:}"
    cls="${test%%#*}" method="${test#*#}"
    log="target/fuzz-$cls-$method.log"
    echo "fuzzing $test (bundles/$module), log in $log"
    found="none"
    if ! JAZZER_FUZZ=1 mvn -B -ntp -o test -pl "bundles/$module" -Dtest="$test" \
            -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1; then
        found="FAILED: see $log"
        status=1
    fi
    corpus="bundles/$module/.cifuzz-corpus/${package[$cls]}.$cls/$method"
    inputs="bundles/$module/src/test/resources/${package[$cls]//.//}/${cls}Inputs/$method"
    mkdir -p "$inputs"
    [ -d "$corpus" ] && cp -n "$corpus"/* "$inputs"/ 2>/dev/null || true
    done_line="$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)"
    cov="$(grep -E 'DONE +cov:' "$log" | tail -1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/' || true)"
    echo "  $test: ${done_line:-no summary}; ${cov:-}; inputs kept: $(ls "$inputs" | wc -l); found: $found"
done
exit $status
