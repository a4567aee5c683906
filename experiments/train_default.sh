#!/usr/bin/env bash
# Rebuild the shipped default models from ../shared/datasets/ and time it.
#   bash experiments/train_default.sh            (about 20 minutes on 2 cores)
# Writes data/labeled/all.jsonl.gz (not committed), models/text-default/,
# models/html-default/ and experiments/results/train_default.txt (timings).
set -euo pipefail
cd "$(dirname "$0")/.."
BOILERSIFT=${BOILERSIFT:-boilersift}
log=experiments/results/train_default.txt
start=$(date +%s)
$BOILERSIFT label ../shared/datasets/*.jsonl.gz -o data/labeled/all.jsonl.gz
labelled=$(date +%s)
$BOILERSIFT train data/labeled/all.jsonl.gz -o models/text-default
text_trained=$(date +%s)
$BOILERSIFT train ../shared/datasets/*.jsonl.gz --input-format html -o models/html-default
end=$(date +%s)
python experiments/reference_probabilities.py  # the fixture tests/test_predictors.py checks the arrays against
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "label: $((labelled - start)) s"
  echo "train text model: $((text_trained - labelled)) s"
  echo "train HTML model (segmenting and labelling included): $((end - text_trained)) s"
  echo "total: $((end - start)) s"
} | tee "$log"
