"""The original images function's pipeline, exactly: Image.open, thumbnail((800, 800), LANCZOS),
save(format='JPEG', quality=85, optimize=True). Nothing added: no exif_transpose, no convert().

Usage: python3 pillow_pipeline.py OUT_DIR REPEATS WORKERS INPUT...
Prints one JSON line per input: median seconds per image (one at a time), output bytes, or the
error the original function would have raised; then one line with the images per second of all
inputs processed by WORKERS processes at once, and this process's peak RSS (VmHWM, KiB).
"""
import io
import json
import os
import resource
import sys
import time
from multiprocessing import Pool

from PIL import Image


def original_pipeline(path):
    image = Image.open(path)
    image.thumbnail((800, 800), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format='JPEG', quality=85, optimize=True)
    return out.getvalue()


def one(path):
    try:
        return len(original_pipeline(path))
    except Exception as err:  # the original function failed the invocation on any of these
        return -1


def peak_rss_kib():
    # VmHWM is this process image's own peak; ru_maxrss on Linux keeps the forked parent's.
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    out_dir, repeats, workers, inputs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    for path in inputs:
        times = []
        try:
            for _ in range(repeats):
                started = time.perf_counter()
                data = original_pipeline(path)
                times.append(time.perf_counter() - started)
            target = os.path.join(out_dir, os.path.basename(path) + '.pillow.jpg')
            with open(target, 'wb') as f:
                f.write(data)
            times.sort()
            print(json.dumps({'input': path, 'seconds': times[len(times) // 2], 'bytes': len(data), 'output': target}), flush=True)
        except Exception as err:
            print(json.dumps({'input': path, 'error': f'{type(err).__name__}: {err}'}), flush=True)
    if workers > 0:
        with Pool(workers) as pool:
            pool.map(one, inputs[:1])  # start the workers before the clock
            started = time.perf_counter()
            pool.map(one, inputs * repeats, chunksize=1)
            elapsed = time.perf_counter() - started
        print(json.dumps({'concurrent': workers, 'images': len(inputs) * repeats, 'seconds': elapsed}), flush=True)
    print(json.dumps({'max_rss_kib': peak_rss_kib()}), flush=True)


if __name__ == '__main__':
    main()
