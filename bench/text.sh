#!/bin/sh
# bench/text.sh: builds bench/text_bench.c with -O2 and measures the Hindi
# text engine (normalise, tokenise, stem) in MB/s on one core, beside
# utf8proc's bare NFC, over the seed report repeated to about 20 MB.
# Usage: bench/text.sh [FILE [MEGABYTES]]   (run from anywhere)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
file=${1:-$root/../shared/seed/article-hi.txt}
mb=${2:-20}
out="$root/build/bench"
mkdir -p "$out"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Wshadow -Wno-unused-parameter \
	-I"$root/src" $(pkg-config --cflags libutf8proc) -o "$out/text_bench" \
	"$root/bench/text_bench.c" "$root"/src/core/*.c "$root"/src/text/*.c \
	$(pkg-config --libs libutf8proc) -lm
# One core: pin to CPU 0 when taskset is there.
if command -v taskset >/dev/null 2>&1; then
	exec taskset -c 0 "$out/text_bench" "$file" "$mb"
fi
exec "$out/text_bench" "$file" "$mb"
