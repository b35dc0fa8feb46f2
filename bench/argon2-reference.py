"""Times argon2id hashes through argon2-cffi (the reference C implementation it bundles) on one
thread and prints a line in portcullis-bench-hash's format, so bench/run-argon2.sh can compare the
two side by side.   python argon2-reference.py COUNT MEMORY_KIB ITERATIONS PARALLELISM"""

import os
import statistics
import sys
import time

from argon2.low_level import Type, hash_secret_raw

count, memory, iterations, parallelism = (int(value) for value in sys.argv[1:5])
salt = os.urandom(16)
hash_secret_raw(b"warm-up", salt, iterations, memory, parallelism, 32, Type.ID)
samples = []
for index in range(count):
    started = time.perf_counter()
    hash_secret_raw(b"benchmark-password-%d" % index, salt, iterations, memory, parallelism, 32, Type.ID)
    samples.append((time.perf_counter() - started) * 1000)
samples.sort()
print("RESULT hashes=%d m=%d t=%d p=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f" % (
    count, memory, iterations, parallelism, statistics.median(samples), samples[0], samples[-1]))
