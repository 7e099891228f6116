#!/bin/sh
# Private dockerd for the captures (no network needed). Run as root.
set -e
mkdir -p /tmp/dk/root /tmp/dk/exec
nohup /usr/sbin/dockerd --host unix:///tmp/dk/docker.sock --data-root /tmp/dk/root --exec-root /tmp/dk/exec \
  --pidfile /tmp/dk/docker.pid --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
  > /tmp/dk/dockerd.log 2>&1 &
sleep 8
export DOCKER_HOST=unix:///tmp/dk/docker.sock
# bb:local - a busybox-static rootfs
rm -rf /tmp/rootfs; mkdir -p /tmp/rootfs/bin /tmp/rootfs/tmp /tmp/rootfs/etc
cp /usr/bin/busybox /tmp/rootfs/bin/
for c in sh true false sleep cat echo ls mkdir touch id dd; do ln -sf busybox /tmp/rootfs/bin/$c; done
echo 'root:x:0:0:root:/root:/bin/sh' > /tmp/rootfs/etc/passwd
(cd /tmp/rootfs && tar -cf /tmp/rootfs.tar .)
docker import /tmp/rootfs.tar bb:local
# armapp:arm64 - an image whose config says linux/arm64 and whose entrypoint is an aarch64 ELF
# (busybox with e_machine patched to 0xB7 = EM_AARCH64; `file` reports "ARM aarch64")
rm -rf /tmp/armfs /tmp/ociimg; mkdir -p /tmp/armfs/usr/local/bin /tmp/armfs/bin /tmp/ociimg
cp /usr/bin/busybox /tmp/armfs/bin/busybox; ln -sf busybox /tmp/armfs/bin/sh
cp /usr/bin/busybox /tmp/fake-arm64-app; printf '\267\000' | dd of=/tmp/fake-arm64-app bs=1 seek=18 conv=notrunc 2>/dev/null
cp /tmp/fake-arm64-app /tmp/armfs/usr/local/bin/app
(cd /tmp/armfs && tar -cf /tmp/ociimg/layer.tar .)
cd /tmp/ociimg
DIFF=$(sha256sum layer.tar | cut -d' ' -f1)
printf '{"architecture":"arm64","os":"linux","config":{"Entrypoint":["/usr/local/bin/app"],"Env":["PATH=/usr/local/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"handmade"}]}' "$DIFF" > config.json
CFG=$(sha256sum config.json | cut -d' ' -f1); mv config.json $CFG.json
printf '[{"Config":"%s.json","RepoTags":["armapp:arm64"],"Layers":["layer.tar"]}]' "$CFG" > manifest.json
tar -cf /tmp/armimg.tar manifest.json $CFG.json layer.tar
docker load -i /tmp/armimg.tar
