"""Prints the zip of each built function (deflate level 6 over its folder, as `sam deploy`
uploads it) against a target size in MB, and a last line `release: ...` (scripts/release.sh).

usage: zip_sizes.py BUILD_DIR TARGET_MB
"""

import io
import pathlib
import sys
import zipfile


def zipped_size(folder: pathlib.Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return len(buffer.getvalue())


def main() -> None:
    build, target = pathlib.Path(sys.argv[1]), float(sys.argv[2])
    sizes = {
        folder.name: zipped_size(folder) / 1e6
        for folder in sorted(build.iterdir())
        if (folder / "bootstrap").is_file()
    }
    if not sizes:
        sys.exit(f"release: no function built in {build}")
    for name, size in sizes.items():
        verdict = "met" if size <= target else f"missed by {size - target:.2f} MB"
        print(f"  {name}: zip {size:.2f} MB ({verdict})")
    over = [name for name, size in sizes.items() if size > target]
    print(
        f"release: {len(sizes)} functions built for arm64, zips {min(sizes.values()):.2f}-"
        f"{max(sizes.values()):.2f} MB (target {target:.1f} MB: met by {len(sizes) - len(over)}, "
        f"missed by {len(over)}; docs/performance.md says why)"
    )


main()
