#!/usr/bin/env bash
# Leave one source out: train one HTML model per source of ../shared/datasets/, each with
# every page of that source held out (`boilersift train --dev-source S`), so that each page
# can be scored by a model that never saw its benchmark. Then
#   python experiments/compare_extractors.py --loso-models experiments/loso/html-*
# scores every page beside trafilatura, readability-lxml, resiliparse and jusText.
# Models go to experiments/loso/ (not committed).
#   bash experiments/loso_html.sh [SOURCE ...]   (default: every source; ~5-15 min each on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
BOILERSIFT=${BOILERSIFT:-boilersift}
sources=("$@")
if [ ${#sources[@]} -eq 0 ]; then
    mapfile -t sources < <(python3 -c '
import glob, gzip, json
print("\n".join(sorted({json.loads(line)["source"] for path in glob.glob("../shared/datasets/*.jsonl.gz")
                         for line in gzip.open(path, "rt")})))')
fi
mkdir -p experiments/loso
for source in "${sources[@]}"; do
    start=$(date +%s)
    $BOILERSIFT train ../shared/datasets/*.jsonl.gz --input-format html --dev-source "$source" \
        -o "experiments/loso/html-$source"
    echo "$source: $(( $(date +%s) - start )) s" | tee -a experiments/loso/timings.txt
done
