"""The exercise pictures: how big each is and how long it takes to draw.

    .venv/bin/python -m bench.pictures [--repeat 3]

For each exercise in content/poses.yaml: its key positions, the GIF's frames,
one loop's length, the GIF's size and the key-frame PNGs' total size, and the
time to draw the animation and the key frames (the best of --repeat runs, one
process, one core).
"""

from __future__ import annotations

import argparse
import io
import time

from PIL import Image

from bot.content import load_content
from bot.pictures import render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="draw each this many times")
    args = parser.parse_args()
    print("| exercise | positions | frames | loop | GIF | PNGs | GIF time | PNGs time |")
    print("|---|---|---|---|---|---|---|---|")
    for exercise_id, motion in load_content().motions.items():
        gif_times, png_times = [], []
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            gif = render.animation(motion)
            gif_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            pngs = render.key_frames(motion)
            png_times.append(time.perf_counter() - start)
        frames = getattr(Image.open(io.BytesIO(gif)), "n_frames", 1)
        print(
            f"| {exercise_id} | {len(motion.positions)} | {frames} "
            f"| {render.animation_seconds(motion):.1f} s | {len(gif) / 1024:.0f} KB "
            f"| {sum(map(len, pngs)) / 1024:.0f} KB | {min(gif_times):.2f} s "
            f"| {min(png_times):.2f} s |"
        )


if __name__ == "__main__":
    main()
