#!/usr/bin/env bash
# Builds the fuzz targets, seeds their corpora from fictional repository files and runs each
# target for SECONDS (default 600) on one core, one after the other.
#
#   fuzz/run.sh                 # all four targets, 10 minutes each
#   fuzz/run.sh 60 split html   # chosen targets, 1 minute each
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain (`rustup toolchain
# install nightly`). Logs go to fuzz/logs/TARGET.log, crashes to fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(split html csv model)
# One core: a single rayon thread inside the targets, and libFuzzer's default single in-process
# job (`-jobs=1` would do the same in a child process, logging to fuzz-0.log instead).
export RAYON_NUM_THREADS=1
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo +nightly fuzz build -s none

seed() { # seed TARGET NAME < bytes
  mkdir -p "corpus/$1"
  cat > "corpus/$1/$2"
}
# split: two parameter bytes (sentence limit, start offset), then text.
{ printf '\x40\x00'; cat ../datasets/examples/lanternfish-privacy.md; } | seed split example
printf '\x00\x00# T\n\n- a. b\n1. First. e.g. this\n(a) x\n> **Bold.** Next sentence!\n---\nU.S. Inc. 3.5 a@b.org\r\n' | seed split markers
# html
{ printf '<html><head><style>p{}</style></head><body><nav>Home</nav><h1>Privacy</h1>'
  printf '<p>We collect <b>data</b>.<br>Second.</p><ul><li>one<li>two</ul><script>x()</script>'
  printf '<table><tr><td>cell</td></tr></table><svg><path/></svg>&amp; &nbsp;</body></html>'; } | seed html page
printf '> *The following text is extracted and transformed from the example.com privacy policy that was archived on 2020-01-01. See the [snapshot](https://example.com/x).*\n\n# Policy\n\nWe keep logs.\n' | seed html header
printf 'Caf\xe9 \x96 policy text.' | seed html cp1252
# csv
head -n 25 ../datasets/corpus.csv | seed csv corpus-head
printf '\xef\xbb\xbftext,labels,policy_id\r\n"We collect\r\nnames.",First Party Collection/Use,p1\r\nWe keep logs.,Data Retention,p2\r\nHello.,,p3\r\n' | seed csv bom-crlf
printf 'text,labels\na,Data Retension\nb,Other;Data Retention\n' | seed csv typo
# model: a small real model file, and its payload alone (the target wraps inputs as payloads).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
{ echo 'text,labels,policy_id'
  echo '"We collect your name and e-mail address.",First Party Collection/Use,p1'
  echo '"We use your address to deliver orders.",First Party Collection/Use,p2'
  echo '"We share your address with the courier.",Third Party Sharing/Collection,p1'
  echo '"Partners may collect data about your visits.",Third Party Sharing/Collection,p2'
  echo '"We keep invoices for seven years.",Data Retention,p3'
  echo '"Logs are deleted after ninety days.",Data Retention,p4'
  echo '"Contact us with questions.",,p3'
  echo '"Welcome to our site.",,p4'; } > "$tmp/tiny.csv"
(cd .. && cargo build --release --quiet && target/release/classify train --min-df 1 --max-features 40 \
  --data "$tmp/tiny.csv" --model "$tmp/tiny.model" > /dev/null)
seed model file < "$tmp/tiny.model"
tail -c +45 "$tmp/tiny.model" | seed model payload

mkdir -p logs
for t in "${targets[@]}"; do
  echo "== $t: ${secs}s"
  cargo +nightly fuzz run -s none "$t" -- -max_total_time="$secs" -print_final_stats=1 > "logs/$t.log" 2>&1 || echo "   $t stopped with a finding: see logs/$t.log"
  grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "logs/$t.log" || tail -5 "logs/$t.log"
  echo "   corpus: $(ls "corpus/$t" | wc -l) inputs"
done
