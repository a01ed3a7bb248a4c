#!/bin/sh
# Builds the Rosetta image from a packaged build (mvn -B -q -DskipTests package) and tags it with the
# jar's version, the one the Helm chart's appVersion names, so that the chart finds it without
# --set image.tag:
#
#   bash docker/build.sh                                   # rosetta:<version>
#   bash docker/build.sh --registry registry.example.com/team --push
#                                                          # registry.example.com/team/rosetta:<version>, pushed
#   bash docker/build.sh --build-arg BASE_IMAGE=localhost/jre17:bookworm
#
# Options: --registry PREFIX (put in front of rosetta:<version>), --name NAME (instead of rosetta),
# --push (push the tag after the build); anything else is passed to `docker build`. DOCKER names the
# client (DOCKER=podman works; podman needs --format docker for the HEALTHCHECK, added here). Prints
# the image reference on its last line.
set -eu
cd "$(dirname "$0")/.."

docker=${DOCKER:-docker}
registry=
name=rosetta
push=
while [ $# -gt 0 ]; do
  case "$1" in
    --registry) registry=${2%/}; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --push) push=1; shift ;;
    *) break ;;
  esac
done

jar=receiver/target/rosetta.jar
if [ ! -f "$jar" ] || [ ! -x receiver/target/bin/rosetta ]; then
  echo "docker/build.sh: $jar or receiver/target/bin/rosetta is missing: run mvn -B -q -DskipTests package first" >&2
  exit 1
fi
version=$(java -jar "$jar" --version | sed -n 's/^rosetta //p')
case "$version" in
  "" | *" "*) echo "docker/build.sh: cannot read the version of $jar (got \"$version\")" >&2; exit 1 ;;
esac
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
image=${registry:+$registry/}$name:$version

format=
case "$($docker --version 2>/dev/null)" in
  *podman*) format="--format docker" ;;
esac
# shellcheck disable=SC2086 # format is one option or none
"$docker" build $format -f docker/Dockerfile --build-arg VERSION="$version" --build-arg REVISION="$revision" \
  -t "$image" "$@" .
if [ -n "$push" ]; then
  "$docker" push "$image"
fi
echo "$image"
