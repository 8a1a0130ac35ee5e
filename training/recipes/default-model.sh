#!/usr/bin/env bash
# Recreates the shipped default model (impl/src/main/resources/dev/qsim/models/minilm-quora):
#   1. fine-tunes all-MiniLM-L6-v2 on the Quora training pairs (layers 2-5; about 75 minutes on two cores),
#   2. trains the pair head over the fine-tuned encoder on Quora + the MSRP/STS-B train parts, twice
#      (the issue-11 mix; about 7 minutes),
#   3. packs the result as the bundled encoder plus the changed weights in int8 (qsim pack),
#   4. copies the packed files into the resource folder.
# Run from the project root after `mvn -q install -DskipTests`; work files go to target/default-model/.
# Usage: training/recipes/default-model.sh [WORK_DIR]
set -euo pipefail
export OMP_WAIT_POLICY=PASSIVE OPT_OUT_TRACKING=true
D=../shared/data
W=${1:-target/default-model}
O=target/offdomain
T="java -Xmx8g -jar training/target/qsim-train.jar"
J="java -Xmx6g -jar cli/target/qsim.jar"
R=impl/src/main/resources/dev/qsim/models/minilm-quora
mkdir -p "$W" "$O"

# The off-domain train parts (docs/decisions.md): a fixed half of each file, chosen by a hash of the pair.
$J pairs --data $D/sts/msrp-train.tsv --format msrp --part train --out $O/msrp-trainpart.tsv
for f in stsb-train stsb-dev; do
  $J pairs --data $D/sts/$f.tsv --format stsb --binarize 2,4 --part train --out $O/$f-train.tsv
done
cat $O/stsb-train-train.tsv $O/stsb-dev-train.tsv > $O/stsb-trainpart.tsv

# 1. The encoder: 3 epochs of online contrastive loss, embeddings and layers 0-1 frozen.
$T --encoder minilm --loss online-contrastive \
  --train $D/quora/train.csv --train $D/quora/train-extra.tsv --dev $D/quora/dev.tsv \
  --epochs 3 --batch-size 32 --lr 2e-5 --max-length 32 --frozen-layers 2 --seed 42 \
  --checkpoint-every 100 --out "$W/encoder"

# 2. The pair head over the frozen fine-tuned encoder.
$T --encoder frozen-minilm --base-model "$W/encoder" \
  --train $D/quora/train.csv --train $D/quora/train-extra.tsv \
  --train $O/msrp-trainpart.tsv --train $O/stsb-trainpart.tsv \
  --train $O/msrp-trainpart.tsv --train $O/stsb-trainpart.tsv \
  --dev $D/quora/dev.tsv --epochs 10 --batch-size 128 --head-hidden 256 --head-lr 1e-3 \
  --name "all-MiniLM-L6-v2 fine-tuned on Quora" --out "$W/model"

# 3. Only the weights that step 1 changed, in int8 differences from the bundled encoder.
$J pack --model "$W/model" --out "$W/packed"

# 4. Into the resource folder (the metadata, the delta and the pair head).
mkdir -p $R
cp "$W/packed/qsim-model.json" "$W/packed/encoder-delta.safetensors" "$W/packed/pair-head.json" $R/
echo "Wrote $R; measure it with: $J eval --data $D/quora/dev.tsv --format bimpm --json"
