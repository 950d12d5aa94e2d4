from busybox AS Base
run echo lower
Run echo mixed
cOpY a b
