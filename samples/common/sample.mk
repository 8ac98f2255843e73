# Shared build rules for the S-mode samples. A sample's Makefile sets NAME
# (the ELF is NAME.elf), OBJS (its own objects) and optionally COMMON_PARTS
# (extra parts of the common library, e.g. uart plic), then includes this.
#
# The common library's sources are compiled into the sample's folder, so
# samples build independently (and in parallel) and every path in DWARF is
# relative to the sample's folder: -ffile-prefix-map maps the clone's path
# to ".", and the library's files appear as ../common/NAME.
CROSS ?= riscv64-unknown-elf-
CC := $(CROSS)gcc
COMMON := ../common
OPT ?= -O2

# No libc; no builtins, and no loops turned into memset/memcpy calls.
CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-g $(OPT) -Wall -Wextra -ffreestanding -fno-builtin -fno-pic \
	-fno-tree-loop-distribute-patterns -fno-jump-tables \
	-fno-asynchronous-unwind-tables -fno-stack-protector -I$(COMMON) \
	-ffile-prefix-map=$(CURDIR)=. -Wa,--debug-prefix-map=$(CURDIR)=.
LDFLAGS := -nostdlib -static -T $(COMMON)/link.ld -Wl,--build-id=none -Wl,--no-warn-rwx-segments

COMMON_OBJS := $(patsubst %,common-%.o,start trap-entry trap sbi console uart string $(COMMON_PARTS))
HEADERS := $(wildcard $(COMMON)/*.h) $(wildcard *.h)

# Separate compile steps: a one-step build would name gcc's temporary
# object files in the symbol table, and the ELF would differ every build.
$(NAME).elf: $(COMMON_OBJS) $(OBJS) $(COMMON)/link.ld
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(COMMON_OBJS) $(OBJS)

common-%.o: $(COMMON)/%.c $(HEADERS) Makefile $(COMMON)/sample.mk
	$(CC) $(CFLAGS) -c -o $@ $<

common-%.o: $(COMMON)/%.S $(HEADERS) Makefile $(COMMON)/sample.mk
	$(CC) $(CFLAGS) -c -o $@ $<

%.o: %.c $(HEADERS) Makefile $(COMMON)/sample.mk
	$(CC) $(CFLAGS) -c -o $@ $<

%.o: %.S $(HEADERS) Makefile $(COMMON)/sample.mk
	$(CC) $(CFLAGS) -c -o $@ $<

clean:
	rm -f $(NAME).elf *.o

.PHONY: clean
