#!/usr/bin/env bash
# Behaviour snapshot of a `classify` binary, for changes that must not change behaviour:
#
#   bench/snapshot.sh BIN OUT          # run every command below with BIN, outputs into OUT
#   bench/snapshot.sh --cmp OLD NEW    # compare two snapshots file by file (cmp)
#
# Commands (from the repository root, ../shared beside it): retrain the shipped model
# (`train --alpha 0.25`), `report` over ../shared/corpus/unlabelled and over the seeds,
# `predict --format jsonl --explain` on each seed and on the example policy, `predict` csv and
# table on the example, `evaluate --predictions` and `evaluate --cv 3` on OPP-115 sentences,
# `diff` (table and JSON) on two longitudinal versions, `import opp115`. In `--cmp`, text
# outputs are compared with the snapshot directory and the training time masked (they differ
# by construction); everything else byte for byte. Used for issue 18 (docs/performance.md,
# "Session 10").
set -u
S=../shared
if [[ "${1:-}" == "--cmp" ]]; then
  A=$2; B=$3; bad=0
  norm() { sed -e "s|$2|SNAP|g" -e 's/ in [0-9.]* s →/ in T s →/' "$1"; }
  while IFS= read -r f; do
    if [[ "$f" == *.txt ]]; then
      cmp -s <(norm "$A/$f" "$A") <(norm "$B/$f" "$B") || { echo "DIFFERS: $f"; bad=1; }
    else
      cmp -s "$A/$f" "$B/$f" || { echo "DIFFERS: $f"; bad=1; }
    fi
  done < <(cd "$A" && find . -type f | sort)
  diff <(cd "$A" && find . -type f | sort) <(cd "$B" && find . -type f | sort) || bad=1
  [[ $bad == 0 ]] && echo "ALL IDENTICAL ($(cd "$A" && find . -type f | wc -l) files)"
  exit $bad
fi
BIN=$1; OUT=$2; MODEL=${MODEL:-models/default.model}
rm -rf "$OUT"; mkdir -p "$OUT"
$BIN train --alpha 0.25 --model "$OUT/default.model" > "$OUT/train.txt" 2>&1
$BIN report --model "$MODEL" --out "$OUT/rep_unl" $S/corpus/unlabelled > "$OUT/rep_unl.txt" 2>&1
$BIN report --model "$MODEL" --out "$OUT/rep_seeds" $S/seeds > "$OUT/rep_seeds.txt" 2>&1
for f in $S/seeds/*.txt datasets/examples/lanternfish-privacy.md; do
  $BIN predict --model "$MODEL" --format jsonl --explain "$f" > "$OUT/pred_$(basename "$f").jsonl" 2>&1
done
$BIN predict --model "$MODEL" --format csv datasets/examples/lanternfish-privacy.md > "$OUT/pred_example.csv" 2>&1
$BIN predict --model "$MODEL" datasets/examples/lanternfish-privacy.md > "$OUT/pred_example_table.txt" 2>&1
$BIN evaluate --model "$MODEL" --data $S/opp115/sentences.csv --predictions "$OUT/eval_pred.csv" > "$OUT/eval.txt" 2>&1
$BIN evaluate --cv 3 --data $S/opp115/sentences.csv > "$OUT/eval_cv.txt" 2>&1
L=$S/corpus/longitudinal/privacy-policies-through-time
$BIN diff --model "$MODEL" $L/1password-2017-02-02.txt $L/1password-2017-08-02.txt > "$OUT/diff.txt" 2>&1
$BIN diff --model "$MODEL" --format json $L/1password-2017-02-02.txt $L/1password-2017-08-02.txt > "$OUT/diff.json" 2>&1
$BIN import opp115 $S/opp115/raw --out "$OUT/imp_sent.csv" > "$OUT/imp.txt" 2>&1
echo "snapshot of $BIN in $OUT"
