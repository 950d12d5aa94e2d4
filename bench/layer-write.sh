#!/usr/bin/env bash
# Layer writing throughput: `berth layer create` against `tar -c | gzip` and `tar -c | zstd` on the same tree, each
# producing a reproducible tar (sorted, mtime 0, owner 0:0) at the same compression level (gzip 6, zstd 3).
source "$(dirname "$(readlink -f "$0")")/common.sh"
tree="$(dataset)"
bytes=$(du -sb "$tree" | cut -f1)
echo "dataset: $tree, $(du -sh "$tree" | cut -f1), $(find "$tree" | wc -l) entries"
gnutar="tar -C $tree --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - ."
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/layer-write.json" \
  "$berth layer create $tree -o $work/berth.tar.gz" \
  "$gnutar | gzip -6 > $work/gnu.tar.gz" \
  "$berth layer create $tree -o $work/berth.tar.zst --compression zstd" \
  "$gnutar | zstd -3 -q > $work/gnu.tar.zst" >&2
report "$work/layer-write.json" "$bytes"
ls -l "$work"/berth.tar.gz "$work"/gnu.tar.gz "$work"/berth.tar.zst "$work"/gnu.tar.zst | awk '{print "size:", $5, $9}'
