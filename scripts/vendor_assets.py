"""Copy pinned front-end packages (installed by `npm ci` from package-lock.json) into
edudx/web/static/vendor, so every asset is served from our own origin."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "edudx" / "web" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # The SCORM 1.2 and 2004 run-times (learning's SCORM player), each a self-contained script.
    "scorm-again/dist/scorm12.min.js": "scorm-again/scorm12.min.js",
    "scorm-again/dist/scorm2004.min.js": "scorm-again/scorm2004.min.js",
}
# Whole folders: the H5P player (h5p-standalone) loads its frame script, styles and fonts by
# relative paths, so its dist/ is copied as it is (without the TypeScript declarations).
TREES = {
    "h5p-standalone/dist": "h5p-standalone",
}


def main() -> int:
    missing = [src for src in [*FILES, *TREES] if not (NODE / src).exists()]
    if missing:
        print("missing front-end packages (run `npm ci`):", ", ".join(missing), file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = OUT / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    for src, dst in TREES.items():
        shutil.rmtree(OUT / dst, ignore_errors=True)
        shutil.copytree(NODE / src, OUT / dst, ignore=shutil.ignore_patterns("*.d.ts"))
    print(f"vendored {len(FILES)} asset files and {len(TREES)} folders into {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
