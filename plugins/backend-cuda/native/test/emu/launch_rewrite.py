# Rewrites a .cu file's kernel launches `name<<<grid, block...>>>(args);` as
# `emu::launch(dim3(grid), dim3(block), true, [&] { name(args); });` (every kernel cooperative:
# real threads with block barriers) for the host emulation (test/emu/nmc_internal.h).
# Usage: python3 launch_rewrite.py IN.cu OUT.cu
import re, sys
src = open(sys.argv[1]).read()
def split(cfg):
    parts, depth, cur = [], 0, ""
    for ch in cfg:
        if ch == "," and depth == 0:
            parts.append(cur); cur = ""; continue
        depth += ch in "(["; depth -= ch in ")]"; cur += ch
    return parts + [cur]
def repl(m):
    name, cfg, args = m.group(1), split(m.group(2)), m.group(3)
    return "emu::launch(dim3(%s), dim3(%s), true, [&] { %s(%s); });" % (cfg[0], cfg[1], name, args)
out, n = re.subn(r"(\w+(?:<\w+>)?)<<<(.*?)>>>\((.*?)\);", repl, src, flags=re.S)
assert n == src.count("<<<"), n
open(sys.argv[2], "w").write("#define __launch_bounds__(n)\nusing std::min;\n" + out)
