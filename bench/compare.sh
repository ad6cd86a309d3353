#!/usr/bin/env bash
# Side-by-side benchmark: `classify` (this repository) against the scikit-learn peer
# (../shared/bench/sklearn_peer.py) on the same data, in the same run, alternating.
#
#   bench/compare.sh                 # RUNS=5 alternating runs of each timed command
#   RUNS=3 bench/compare.sh          # what docs/performance.md shows (≈ 10–15 min)
#   SCALE=0 bench/compare.sh         # skip the scale section (×10 corpus, 100k-row training)
#   BUILD=0 bench/compare.sh         # use the existing target/release/classify as it is
#   TRAIN_CAP=600 bench/compare.sh   # seconds before a 100k-row training run is killed (150)
#   REPORT_REPEAT=1 bench/compare.sh # our report runs per round in (b) (3: it is ~20× shorter
#                                    # than the peer's, so one sample per round is noisy)
#
# Prints Markdown to stdout (progress on stderr) and keeps a copy in bench/out/ (git-ignored).
# Needs: a release build (the script runs `cargo build --release`), python3 with scikit-learn,
# GNU time at /usr/bin/time, and ../shared beside the checkout. All generated data (policy-
# grouped train/test halves, the perturbed 100k-row CSV, the ×10 corpus of symlinks) lives in
# a temporary directory that is removed at exit; nothing derived from ../shared is written
# into the repository.
#
# Measured (every timing is one whole process, wall clock, with peak RSS from /usr/bin/time):
#  (a) train on ../shared/opp115/sentences.csv: ours default (3 threshold folds + final fit),
#      ours --dense-limit-mib 0 (sparse final fit), peer `train`; plus F1 of all three on held-out policies
#      (two policy-grouped halves, each model trained on one half and scored on the other,
#      F1 pooled over both; the same Python scorer reads both tools' predictions);
#  (b) `classify report` over ../shared/corpus/unlabelled (both cores) vs the
#      peer's `tag` on the same folder;
#  (c) predict throughput on the same sentence list (the ~100k-row CSV): ours
#      `evaluate --predictions` vs peer `predict`; and sentences/s of (b) by each tool's own
#      sentence count;
#  (d) peak RSS of every command above;
#  scale: `classify report` over the corpus repeated ×10 (symlinks) and training on ~100k
#      perturbed rows (ours --dense-limit-mib 0, peer, ours default), one run each, each
#      killed after TRAIN_CAP seconds (reported as such) so the script's run time stays bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$(cd "$ROOT/../shared" 2>/dev/null && pwd || true)}
RUNS=${RUNS:-5}
SCALE=${SCALE:-1}
SCALE_COPIES=${SCALE_COPIES:-10}
AUG_ROWS=${AUG_ROWS:-100000}
TRAIN_CAP=${TRAIN_CAP:-150}
REPORT_REPEAT=${REPORT_REPEAT:-3}
BIN="$ROOT/target/release/classify"
HELP="$ROOT/bench/bench_data.py"

die() { echo "compare.sh: $*" >&2; exit 2; }
[[ -n "$SHARED" && -d "$SHARED" ]] || die "../shared not found beside $ROOT (set SHARED=DIR)"
PEER="$SHARED/bench/sklearn_peer.py"
DATA="$SHARED/opp115/sentences.csv"
CORPUS="$SHARED/corpus/unlabelled"
for f in "$PEER" "$DATA" "$CORPUS"; do [[ -e "$f" ]] || die "$f: missing"; done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ "$REPORT_REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPORT_REPEAT must be a positive integer, got '$REPORT_REPEAT'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed: apt-get install time"
python3 -c 'import sklearn' 2>/dev/null || die "python3 cannot import sklearn: pip install scikit-learn"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pc-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RES="$WORK/results.tsv"
: >"$RES"
T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

log() { echo "[$(($(date +%s) - T0))s] $*" >&2; }

if [[ "${BUILD:-1}" != 0 ]]; then
    log "building (release)"
    (cd "$ROOT" && cargo build --release --quiet) ||
        die "cargo build --release failed (BUILD=0 uses the existing target/release/classify)"
fi
[[ -x "$BIN" ]] || die "$BIN: missing; run cargo build --release"
# Run a private copy: another developer's `cargo build` must not swap the binary mid-run.
cp "$BIN" "$WORK/classify"
BIN="$WORK/classify"

# measure KEY FUNCTION: runs the exported shell function once under /usr/bin/time (through
# `bash -c`; GNU time's %M is the peak RSS of the largest process in the tree, so the small
# bash wrapper does not count); stdout → $WORK/KEY.out.
measure() {
    local key=$1 fn=$2
    if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" bash -c "$fn" >"$WORK/$key.out" 2>"$WORK/$key.err"; then
        echo "compare.sh: '$key' failed (function $fn)" >&2
        tail -5 "$WORK/$key.err" >&2
        exit 1
    fi
    local e m u sy
    read -r e m u sy < <(tail -1 "$WORK/time")
    printf 'time\t%s\t%s\t%s\t%s\n' "$key" "$e" "$m" "$(awk -v a="$u" -v b="$sy" 'BEGIN { printf "%.2f", a + b }')" >>"$RES"
    log "  $key: ${e}s, $((m / 1024)) MiB, CPU ${u}+${sy}s"
}

# measure_capped KEY FUNCTION SECONDS: like measure, but the command is killed after SECONDS;
# a killed run is recorded as "killed" (its peak RSS up to then is kept).
measure_capped() {
    local key=$1 fn=$2 cap=$3 rc=0
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" timeout "$cap" bash -c "$fn" \
        >"$WORK/$key.out" 2>"$WORK/$key.err" || rc=$?
    local e m u sy
    read -r e m u sy < <(tail -1 "$WORK/time")
    if ((rc == 124)); then
        printf 'killed\t%s\t%s\t%s\n' "$key" "$e" "$m" >>"$RES"
        log "  $key: killed after ${cap}s, $((m / 1024)) MiB so far"
    elif ((rc != 0)); then
        echo "compare.sh: '$key' failed (function $fn)" >&2
        tail -5 "$WORK/$key.err" >&2
        exit 1
    else
        printf 'time\t%s\t%s\t%s\t%s\n' "$key" "$e" "$m" "$(awk -v a="$u" -v b="$sy" 'BEGIN { printf "%.2f", a + b }')" >>"$RES"
        log "  $key: ${e}s, $((m / 1024)) MiB, CPU ${u}+${sy}s"
    fi
}

# alternate KEY:FUNCTION[:N]...: RUNS rounds; odd rounds run the list in order, even rounds
# reversed, so neither tool always runs first (or always right after the other). An entry
# with :N runs N times in a row each round (for a command 20× shorter than the other, so
# its median is not one sample of the machine's slow or fast minute).
alternate() {
    local i k r
    for ((i = 1; i <= RUNS; i++)); do
        local list=("$@")
        if ((i % 2 == 0)); then
            local rev=()
            for ((k = ${#list[@]} - 1; k >= 0; k--)); do rev+=("${list[k]}"); done
            list=("${rev[@]}")
        fi
        for k in "${list[@]}"; do
            local key=${k%%:*} rest=${k#*:} n=1
            if [[ "$rest" == *:* ]]; then
                n=${rest##*:}
                rest=${rest%:*}
            fi
            for ((r = 1; r <= n; r++)); do
                measure "$key" "$rest"
            done
        done
    done
}
info() { printf 'info\t%s\t%s\n' "$1" "$2" >>"$RES"; }
pair() { printf 'pair\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$RES"; }
peer() { OPENBLAS_NUM_THREADS=1 exec python3 "$PEER" "$@"; }

# ---- commands (functions so `alternate` can name them) ----
ours_train() { exec "$BIN" train -d "$DATA" -m "$WORK/ours.model"; }
ours_train0() { exec "$BIN" train -d "$DATA" -m "$WORK/ours0.model" --dense-limit-mib 0; }
peer_train() { peer train "$DATA" "$WORK/peer.pkl"; }
ours_report() { exec "$BIN" report -m "$WORK/ours.model" --out "$WORK/rep" "$CORPUS"; }
peer_tag() { peer tag "$WORK/peer.pkl" "$CORPUS"; }
ours_predict() {
    exec "$BIN" evaluate -m "$WORK/ours.model" -d "$WORK/aug.csv" --predictions "$WORK/ours_pred.csv" -f json
}
peer_predict() { peer predict "$WORK/peer.pkl" "$WORK/aug.csv" "$WORK/peer_pred.csv"; }
ours_scale_report() {
    exec "$BIN" report -m "$WORK/ours.model" --out "$WORK/repx" "$WORK/corpus_x$SCALE_COPIES"
}
ours_aug_train() { exec "$BIN" train -d "$WORK/aug.csv" -m "$WORK/aug.model"; }
ours_aug_train0() { exec "$BIN" train -d "$WORK/aug.csv" -m "$WORK/aug0.model" --dense-limit-mib 0; }
peer_aug_train() { peer train "$WORK/aug.csv" "$WORK/aug.pkl"; }

export -f ours_train ours_train0 peer_train ours_report peer_tag ours_predict \
    peer_predict ours_scale_report ours_aug_train ours_aug_train0 peer_aug_train peer
export BIN WORK DATA CORPUS PEER SCALE_COPIES

# ---- data ----
log "preparing data in $WORK"
python3 "$HELP" split "$DATA" "$WORK" >"$WORK/split.json"
python3 "$HELP" augment "$DATA" "$WORK/aug.csv" "$AUG_ROWS" >"$WORK/aug.json"
AUG_N=$(($(python3 -c 'import csv,sys; csv.field_size_limit(10**9); print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))))' "$WORK/aug.csv") - 1))
N_FILES=$(find "$CORPUS" -maxdepth 1 -type f | wc -l)

# ---- (a) training ----
log "(a) training on $DATA, $RUNS runs each"
alternate ours_train:ours_train ours_train0:ours_train0 peer_train:peer_train
pair "(a) train, sentences.csv (8,407 rows): ours default vs peer" ours_train peer_train
pair "(a) train: ours --dense-limit-mib 0 (sparse final fit) vs peer" ours_train0 peer_train

log "(a) held-out F1: train on one policy-grouped half, score on the other, both ways"
for h in a b; do
    o=$([[ $h == a ]] && echo b || echo a)
    "$BIN" train -d "$WORK/$h.csv" -m "$WORK/f1_$h.model" >/dev/null 2>&1
    "$BIN" train -d "$WORK/$h.csv" -m "$WORK/f1_${h}0.model" --dense-limit-mib 0 >/dev/null 2>&1
    (peer train "$WORK/$h.csv" "$WORK/f1_$h.pkl")
    "$BIN" evaluate -m "$WORK/f1_$h.model" -d "$WORK/$o.csv" -f json \
        --predictions "$WORK/f1_ours_$o.csv" >/dev/null
    "$BIN" evaluate -m "$WORK/f1_${h}0.model" -d "$WORK/$o.csv" -f json \
        --predictions "$WORK/f1_ours0_$o.csv" >/dev/null
    (peer predict "$WORK/f1_$h.pkl" "$WORK/$o.csv" "$WORK/f1_peer_$o.csv")
done
f1() { python3 "$HELP" score "$WORK/a.csv" "$WORK/$1_a.csv" "$WORK/b.csv" "$WORK/$1_b.csv"; }
info "held-out F1, ours default" "$(f1 f1_ours)"
info "held-out F1, ours --dense-limit-mib 0" "$(f1 f1_ours0)"
info "held-out F1, peer" "$(f1 f1_peer)"
info "held-out split" "policy-grouped halves by md5(policy_id) parity: $(cat "$WORK/split.json")"

# ---- (b) report / tag ----
log "(b) report over $CORPUS ($N_FILES files), $RUNS rounds: ours $REPORT_REPEAT runs, peer 1 run each"
alternate "ours_report:ours_report:$REPORT_REPEAT" peer_tag:peer_tag
S_OURS=$(python3 "$HELP" sentences "$WORK/rep/files.csv")
S_PEER=$(grep -o '[0-9]* sentences' "$WORK/peer_tag.out" | grep -o '[0-9]*')
pair "(b) report over unlabelled/ ($N_FILES files): ours (2 threads) vs peer tag" ours_report peer_tag "$S_OURS|$S_PEER"
info "(b) samples" "ours $((RUNS * REPORT_REPEAT)) runs ($REPORT_REPEAT in a row per round), peer $RUNS runs"
info "sentences found in unlabelled/" "ours $S_OURS (splitter of src/sentences/), peer $S_PEER (its regex)"

# ---- (c) predict throughput on one sentence list ----
log "(c) predict on $AUG_N rows, $RUNS runs each"
alternate ours_predict:ours_predict peer_predict:peer_predict
pair "(c) predict $AUG_N CSV rows: ours evaluate --predictions vs peer predict" ours_predict peer_predict "$AUG_N|$AUG_N"

# ---- scale ----
if [[ "$SCALE" != 0 ]]; then
    log "scale: corpus ×$SCALE_COPIES (symlinks)"
    for ((c = 1; c <= SCALE_COPIES; c++)); do
        mkdir -p "$WORK/corpus_x$SCALE_COPIES/copy$c"
        find "$CORPUS" -maxdepth 1 -type f -exec ln -s -t "$WORK/corpus_x$SCALE_COPIES/copy$c" {} +
    done
    measure ours_scale_report ours_scale_report
    S_X=$(python3 "$HELP" sentences "$WORK/repx/files.csv")
    pair "scale: report over unlabelled/ ×$SCALE_COPIES ($((N_FILES * SCALE_COPIES)) files), 1 run" ours_scale_report - "$S_X|"
    info "scale: sentences in the ×$SCALE_COPIES corpus" "$S_X"
    rss_of() { awk -F'\t' -v k="$1" '$1 == "time" && $2 == k && $4 > m { m = $4 } END { printf "%.0f", m / 1024 }' "$RES"; }
    info "scale: peak RSS of ours report, ×1 → ×$SCALE_COPIES files" \
        "$(rss_of ours_report) MiB → $(rss_of ours_scale_report) MiB"
    log "scale: training on $AUG_N perturbed rows, 1 run each"
    measure_capped ours_aug_train0 ours_aug_train0 "$TRAIN_CAP"
    measure_capped peer_aug_train peer_aug_train "$TRAIN_CAP"
    measure_capped ours_aug_train ours_aug_train "$TRAIN_CAP"
    pair "scale: train on $AUG_N rows: ours default vs peer, 1 run" ours_aug_train peer_aug_train
    pair "scale: train on $AUG_N rows: ours --dense-limit-mib 0 vs peer, 1 run" ours_aug_train0 peer_aug_train
fi

# ---- output ----
COMMIT=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
DIRTY=""
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
    DIRTY=" (plus uncommitted work in the tree)"
fi
{
    echo "## bench/compare.sh, RUNS=$RUNS"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: \`$COMMIT\`$DIRTY"
    echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; load average at the start: $LOAD0, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- peer: scikit-learn $(python3 -c 'import sklearn; print(sklearn.__version__)'), python $(python3 -c 'import platform; print(platform.python_version())'), OPENBLAS_NUM_THREADS=1; total script time $(($(date +%s) - T0)) s"
    echo
    python3 "$HELP" summarise "$RES" "$RUNS"
} | tee "$WORK/report.md"
mkdir -p "$ROOT/bench/out"
cp "$WORK/report.md" "$ROOT/bench/out/compare-$(date -u +%Y%m%dT%H%M%S).md"
