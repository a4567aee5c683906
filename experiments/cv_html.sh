#!/usr/bin/env bash
# Cross-validate the HTML model by site: train one model per fold of sites, each
# holding out a different 20% of the sites (`boilersift train --dev-fold K`), so
# that every page of ../shared/datasets/ is scored by a model that never saw its
# site. Then `experiments/compare_extractors.py --cv-models experiments/cv/html-fold*`
# compares on all pages. Models go to experiments/cv/ (not committed).
#   bash experiments/cv_html.sh [FOLD ...]        (default: 1 2 3 4 0; ~10-40 min per fold on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
BOILERSIFT=${BOILERSIFT:-boilersift}
folds=("${@:-1 2 3 4 0}")
mkdir -p experiments/cv
for fold in ${folds[*]}; do
    start=$(date +%s)
    $BOILERSIFT train ../shared/datasets/*.jsonl.gz --input-format html --dev-fold "$fold" \
        -o "experiments/cv/html-fold$fold"
    echo "fold $fold: $(( $(date +%s) - start )) s" | tee -a experiments/cv/timings.txt
done
