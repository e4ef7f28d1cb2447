# Packaging: the release binary, the Debian package, the RPM, the release archive and their
# tests (included by the Makefile; the container image is packaging/image.mk's).
#
#   make build-dist     .build-dist/ipvs_exporter: the Swift runtime linked in, glibc >= 2.34
#   make deb            dist/prometheus-ipvs-exporter_VERSION-1_amd64.deb
#   make rpm            dist/prometheus-ipvs-exporter-VERSION-1.x86_64.rpm (RHEL 9 and rebuilds)
#   make dist           dist/ipvs_exporter-VERSION.linux-amd64.tar.gz
#   make test-package   both, checked: symbol floor, lintian, the archive, and the .deb installed,
#                       removed and purged in a fresh Debian bookworm root (mmdebstrap)
#   make test-rpm       the RPM: rpmlint, files, Requires, scriptlets, installed and erased with
#                       rpm --root in a Debian root
#
# The version is the VERSION file's; dist/sha256sums.txt lists what dist/ holds of it.

# dpkg-dev (dpkg-shlibdeps), lintian, help2man (manual pages from --help), binutils (strip,
# readelf, objdump), rsync (the build's source snapshot), mmdebstrap (the test's root), systemd
# (systemd-analyze), shellcheck (the packaging scripts).
PACKAGE_PACKAGES := dpkg-dev lintian help2man binutils rsync mmdebstrap systemd shellcheck

PACKAGE_VERSION := $(shell tr -d ' \t\r\n' < VERSION)
DEB_REVISION ?= 1
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DIST_DIR ?= dist
DIST_SCRATCH := .build-dist
DIST_BINARY := $(DIST_SCRATCH)/ipvs_exporter
DEB_FILE := $(DIST_DIR)/prometheus-ipvs-exporter_$(PACKAGE_VERSION)-$(DEB_REVISION)_$(DEB_ARCH).deb
RPM_RELEASE ?= 1
RPM_FILE := $(DIST_DIR)/prometheus-ipvs-exporter-$(PACKAGE_VERSION)-$(RPM_RELEASE).x86_64.rpm
# rpm (rpmbuild, rpm2cpio), rpmlint, cpio (the test unpacks the payload).
RPM_PACKAGES := rpm rpmlint cpio
ARCHIVE_FILE := $(DIST_DIR)/ipvs_exporter-$(PACKAGE_VERSION).linux-$(DEB_ARCH).tar.gz
# The toolchain's clang, for packaging/symbol-floor.c.
CLANG ?= clang
# The release link without scripts/release-link-flags' -z pack-relative-relocs (DT_RELR needs
# glibc 2.36): scripts/dist-link-flags, which also holds the binary to the glibc 2.34 / GCC 11
# floor with packaging/symbol-floor.c, and binds at start (-z now).
DIST_FLAGS := $(shell cat scripts/dist-link-flags) -Xlinker $(abspath $(DIST_SCRATCH)/symbol-floor.o)

.PHONY: package-deps build-dist deb rpm dist test-package test-rpm

package-deps:
	@scripts/ensure-packages $(PACKAGE_PACKAGES)

# Built from a snapshot of the tree in .build-dist/src (rsync keeps unchanged files as they were,
# so rebuilds stay incremental): an edit made during the build cannot break it or mix two trees.
# Inside the work tree, so the GitRevision plugin still finds the commit.
build-dist: deps package-deps ## The release binary (.build-dist/ipvs_exporter): Swift runtime linked in, glibc >= 2.34
	mkdir -p $(DIST_SCRATCH)/src
	rsync -a --delete --exclude=/.git --exclude='/.build*' --exclude=/dist --exclude=/Fuzz/corpus ./ $(DIST_SCRATCH)/src/
	$(CLANG) -O2 -fPIC -fvisibility=hidden -c packaging/symbol-floor.c -o $(DIST_SCRATCH)/symbol-floor.o.new
	@# SwiftPM does not know the link reads this object: a changed one needs the binary relinked.
	if ! cmp -s $(DIST_SCRATCH)/symbol-floor.o.new $(DIST_SCRATCH)/symbol-floor.o; then \
		mv $(DIST_SCRATCH)/symbol-floor.o.new $(DIST_SCRATCH)/symbol-floor.o; \
		rm -f $(DIST_SCRATCH)/swift/release/ipvs_exporter; \
	else rm $(DIST_SCRATCH)/symbol-floor.o.new; fi
	$(SWIFT) build -c release --product ipvs_exporter --static-swift-stdlib \
		--package-path $(DIST_SCRATCH)/src --scratch-path $(DIST_SCRATCH)/swift $(DIST_FLAGS)
	cp $(DIST_SCRATCH)/swift/release/ipvs_exporter $(DIST_BINARY).tmp
	strip --remove-section=.comment --remove-section=.note $(DIST_BINARY).tmp
	mv $(DIST_BINARY).tmp $(DIST_BINARY)
	Tests/Packaging/check-symbol-floor.sh $(DIST_BINARY)

# dist/sha256sums.txt: the archive, the packages and the image of this version, those that are
# there (IMAGE_ARCHIVE is packaging/image.mk's).
define write-checksums
cd $(DIST_DIR) && files=; for file in $(notdir $(ARCHIVE_FILE) $(DEB_FILE) $(RPM_FILE) $(IMAGE_ARCHIVE)); do \
	if [ -f $$file ]; then files="$$files $$file"; fi; done; sha256sum $$files > sha256sums.txt
endef

deb: build-dist ## The Debian package (dist/prometheus-ipvs-exporter_VERSION-1_ARCH.deb)
	DEB_REVISION=$(DEB_REVISION) packaging/build-deb.sh $(DIST_BINARY) $(DIST_DIR)
	$(write-checksums)

rpm: build-dist ## The RPM for RHEL 9 and its rebuilds (dist/prometheus-ipvs-exporter-VERSION-1.x86_64.rpm)
	@scripts/ensure-packages $(RPM_PACKAGES)
	RPM_RELEASE=$(RPM_RELEASE) packaging/build-rpm.sh $(DIST_BINARY) $(DIST_DIR)
	$(write-checksums)

dist: build-dist ## The release archive (dist/ipvs_exporter-VERSION.linux-ARCH.tar.gz) and dist/sha256sums.txt
	packaging/build-archive.sh $(DIST_BINARY) $(DIST_DIR)
	$(write-checksums)

test-package: deb dist ## Symbol floor, lintian, the archive, and the .deb in a fresh bookworm root (mmdebstrap)
	shellcheck packaging/*.sh packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm Tests/Packaging/*.sh
	Tests/Packaging/check-symbol-floor.sh $(DIST_BINARY)
	Tests/Packaging/test-archive.sh $(ARCHIVE_FILE)
	DEB_REVISION=$(DEB_REVISION) Tests/Packaging/test-deb.sh $(DEB_FILE)

test-rpm: rpm ## The RPM: rpmlint, files, Requires, scriptlets, rpm --root install and erase in a Debian root
	shellcheck packaging/build-rpm.sh Tests/Packaging/test-rpm.sh
	RPM_RELEASE=$(RPM_RELEASE) Tests/Packaging/test-rpm.sh $(RPM_FILE)
