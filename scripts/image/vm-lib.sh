# Shared by scripts/smoke-image and scripts/test-update (sourced, bash): boot an xlive arm64 image in
# qemu-system-aarch64 -M virt (TCG) with the HTTP and RTMP ports forwarded, wait for it, talk to it,
# and power it off cleanly. The caller sets: work (a directory), disk (the image copy to boot),
# http_port, rtmp_port, and defines say/die. Only the qemu process started here is stopped, by PID.

qemu_pid=''
stop_qemu() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; fi
  qemu_pid=''
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The kernel and initrd from the image's boot partition (partition 1, FAT) into $work.
extract_kernel() {
  local boot_start kernel_name initrd_name
  boot_start=$(sfdisk --dump "$disk" | sed -n 's/.*1 : start= *\([0-9]*\),.*/\1/p' | head -1)
  [ -n "$boot_start" ] || die "no partition 1 in $disk"
  fat="$disk@@$(( boot_start * 512 ))"
  export MTOOLS_SKIP_CHECK=1
  kernel_name=$(mdir -b -i "$fat" ::/ | sed 's|^::/||' | grep -m1 '^vmlinuz-') || die "no vmlinuz-* on the boot partition"
  initrd_name=$(mdir -b -i "$fat" ::/ | sed 's|^::/||' | grep -m1 '^initrd.img-') || die "no initrd.img-* on the boot partition"
  mcopy -o -i "$fat" "::/$kernel_name" "$work/vmlinuz"
  mcopy -o -i "$fat" "::/$initrd_name" "$work/initrd.img"
  say "kernel $kernel_name, initrd $initrd_name"
}

boot_vm() { # $1: console log name
  qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 2048 \
    -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
    -append "root=LABEL=ROOT rw console=ttyAMA0 systemd.show_status=1" \
    -drive if=none,id=hd,file="$disk",format=raw -device virtio-blk-pci,drive=hd \
    -netdev user,id=net,hostfwd=tcp:127.0.0.1:$http_port-:8080,hostfwd=tcp:127.0.0.1:$rtmp_port-:1935 \
    -device virtio-net-pci,netdev=net -device virtio-rng-pci -device virtio-keyboard-pci \
    -monitor unix:"$work/monitor.sock",server,nowait \
    -display none -serial file:"$work/$1" -no-reboot &
  qemu_pid=$!
  ln -sf "$1" "$work/console.log"
}

# Wait (bounded) until the console shows a line matching $1, or qemu exits.
wait_console() {
  local pattern=$1 limit=$2 start=$(date +%s)
  while [ $(( $(date +%s) - start )) -lt "$limit" ]; do
    grep -aq "$pattern" "$work/console.log" 2>/dev/null && return 0
    kill -0 "$qemu_pid" 2>/dev/null || return 1
    sleep 2
  done
  return 1
}

wait_ready() {
  local limit=$1 start=$(date +%s)
  while [ $(( $(date +%s) - start )) -lt "$limit" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$base/readyz" || true)" = 200 ] && return 0
    kill -0 "$qemu_pid" 2>/dev/null || return 1
    sleep 3
  done
  return 1
}

api() { # METHOD PATH [JSON] — with the session cookie/CSRF token ($cookie, $csrf) or a token ($token)
  local args=(-s -m 20 -X "$1" -H "host: localhost" -w '\n%{http_code}')
  [ -n "${cookie:-}" ] && args+=(-H "cookie: $cookie")
  [ -n "${csrf:-}" ] && args+=(-H "x-csrf-token: $csrf")
  [ -n "${token:-}" ] && args+=(-H "authorization: Bearer $token")
  [ $# -ge 3 ] && args+=(-H 'content-type: application/json' --data "$3")
  curl "${args[@]}" "$base$2"
}

# One HMP command on the qemu monitor; wait for the prompt after it before closing (else qemu may drop it).
monitor() {
  python3 - "$work/monitor.sock" "$1" <<'PY' || true
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
def until_prompt():
    buf = b''
    end = time.time() + 5
    while b'(qemu)' not in buf and time.time() < end:
        try: buf += s.recv(4096)
        except socket.timeout: break
    return buf
until_prompt()
s.sendall(sys.argv[2].encode() + b'\n')
until_prompt()
time.sleep(1)
s.close()
PY
}

# A clean shutdown without SSH: the power button (virt's gpio-keys -> logind), else Ctrl-Alt-Del on
# the virtio keyboard (-no-reboot makes qemu exit then). Never a reset. Sets down_by.
power_off() {
  down_by=''
  say "shutdown: power button (system_powerdown on the qemu monitor)"
  monitor system_powerdown
  for _ in $(seq 1 30); do kill -0 "$qemu_pid" 2>/dev/null || { down_by='power button'; break; }; sleep 2; done
  if [ -z "$down_by" ]; then
    say "no reaction to the power button in 60 s; Ctrl-Alt-Del on the virtio keyboard"
    monitor 'sendkey ctrl-alt-delete'
    for _ in $(seq 1 60); do kill -0 "$qemu_pid" 2>/dev/null || { down_by='ctrl-alt-del (systemd reboot)'; break; }; sleep 2; done
  fi
  [ -n "$down_by" ] || die "no clean shutdown within 180 s"
  wait "$qemu_pid" 2>/dev/null || true; qemu_pid=''
}
