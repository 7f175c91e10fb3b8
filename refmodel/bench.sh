#!/usr/bin/env bash
# Translation throughput of the golden model (JMH TranslationBenchmark: bare, sv39, worstCase) with
# short but stable settings, and the allocation per translation (-prof gc: gc.alloc.rate.norm).
#
#   refmodel/bench.sh                 # build the test classpath, run, print the summary
#   refmodel/bench.sh worstCase       # only the benchmarks matching a regex
#   CPU=1 refmodel/bench.sh           # pin the benchmark JVM to CPU 1 (taskset), on a shared machine
#   JMH_ARGS="-f 1 -wi 5 -i 10" refmodel/bench.sh  # JMH run options, replacing the defaults below
#
# Prints each case's translations/s with JMH's error, bytes allocated per translation, and each fork's
# mean. Uses only Maven (offline, as the build does) and java. The raw JMH output is kept in
# refmodel/target/bench/jmh.txt and the results in refmodel/target/bench/results.csv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/target/bench"
mkdir -p "$out"

filter="${1:-}"
MVN="${MVN:-mvn}"

cd "$root"
"$MVN" -o -q -B -Dstyle.color=never -pl refmodel test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test

cd "$here"
cp="target/classes:target/test-classes:$(cat target/test-classpath.txt)"
pin=()
if [[ -n "${CPU:-}" ]] && command -v taskset >/dev/null; then pin=(taskset -c "$CPU"); fi

echo "load before: $(uptime)"
# Default: 3 forks, each 3 x 1 s warm-up and 5 x 1 s measurement, one thread. Several forks because
# each JVM's compiled code settles at a speed of its own, up to 25% apart on this VM for the same
# build and the same data: the JIT's compilation decides, not the model.
# JMH refuses an option given twice, so JMH_ARGS replaces these defaults rather than adding to them.
run_args="${JMH_ARGS:--f 3 -wi 3 -w 1s -i 5 -r 1s}"
# shellcheck disable=SC2086
"${pin[@]}" java -cp "$cp" dev.lockstep.refmodel.bench.TranslationBenchmark \
    $run_args -t 1 -prof gc \
    -rf csv -rff "$out/results.csv" ${filter:+"$filter"} > "$out/jmh.txt" 2>&1 || {
    cat "$out/jmh.txt"; exit 1; }
echo "load after:  $(uptime)"

# results.csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
awk -F, '
    function unq(s) { gsub(/"/, "", s); return s }
    NR == 1 { next }
    {
        name = unq($1); sub(/^.*TranslationBenchmark\./, "", name)
        if (name !~ /:/) { score[name] = $5; err[name] = $6; order[++n] = name }
        else if (name ~ /:gc\.alloc\.rate\.norm$/) { sub(/:.*/, "", name); norm[name] = $5 }
    }
    END {
        printf "%-10s %18s %14s %22s\n", "case", "translations/s", "+-", "gc.alloc.rate.norm B/op"
        for (i = 1; i <= n; i++) {
            c = order[i]
            printf "%-10s %18.0f %14.0f %22s\n", c, score[c], err[c], (c in norm) ? sprintf("%.4f", norm[c]) : "n/a"
        }
    }' "$out/results.csv"

# Each fork's mean, to show the spread between JVMs (each JVM's compiled code can settle at a speed of
# its own): a case whose forks disagree wants more forks before its number is trusted.
awk '
    function flush() { if (count) line[name] = line[name] sprintf(" %.0f", sum / count); count = 0; sum = 0 }
    /^# Benchmark:/ { flush(); name = $3; sub(/^.*TranslationBenchmark\./, "", name); order[++n] = name }
    /^# Fork:/ { flush() }
    /^Iteration/ { sum += $3; count++ }
    END { flush(); for (i = 1; i <= n; i++) printf "%-10s forks:%s\n", order[i], line[order[i]] }
' "$out/jmh.txt"
