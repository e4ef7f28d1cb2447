# The container image and its test (included at the end of the Makefile, after
# packaging/package.mk, whose build-dist, DIST_* and write-checksums it uses).
#
#   make image        dist/ipvs_exporter-VERSION.oci.tar: the Containerfile built with buildah
#                     (chroot isolation, vfs storage, no registry) on a base made of Debian 12
#                     packages (packaging/build-image-root.sh), tagged IMAGE_NAME:VERSION
#   make test-image   its config, its file tree, and the binary run from it (chroot and
#                     buildah run) against the fixture tree: ipvs_up 1
#
# Load it elsewhere with `skopeo copy oci-archive:dist/ipvs_exporter-VERSION.oci.tar
# docker://REGISTRY/…` or `podman load -i dist/ipvs_exporter-VERSION.oci.tar`.

# buildah, mmdebstrap (the base), jq (the test reads the config), curl and iproute2 (the test
# scrapes on a free port).
IMAGE_PACKAGES := buildah mmdebstrap jq curl iproute2
IMAGE_NAME ?= ghcr.io/ipvs-exporter/ipvs_exporter
IMAGE_ARCHIVE := $(DIST_DIR)/ipvs_exporter-$(PACKAGE_VERSION).oci.tar

.PHONY: image test-image

image: build-dist ## The container image as an OCI archive (dist/ipvs_exporter-VERSION.oci.tar), built with buildah
	@scripts/ensure-packages $(IMAGE_PACKAGES)
	IMAGE=$(IMAGE_NAME):$(PACKAGE_VERSION) packaging/build-image.sh $(DIST_BINARY) $(IMAGE_ARCHIVE)
	$(write-checksums)

test-image: image ## The image: config, file tree, the binary run from it serving the fixture (ipvs_up 1)
	shellcheck packaging/build-image.sh packaging/build-image-root.sh Tests/Packaging/test-image.sh
	IMAGE=$(IMAGE_NAME):$(PACKAGE_VERSION) Tests/Packaging/test-image.sh $(IMAGE_ARCHIVE)
