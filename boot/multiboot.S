/* Two headers, one image: multiboot2 for GRUB (which loads the ELF64 directly)
 * and multiboot1 with the address fields for QEMU -kernel, which refuses ELF64
 * unless told where the flat image goes. Both must sit in the first 8 KiB. */

#define MB1_MAGIC     0x1BADB002
#define MB1_MEMINFO   (1 << 1)
#define MB1_ADDRESSES (1 << 16)
#define MB1_FLAGS     (MB1_MEMINFO | MB1_ADDRESSES)

#define MB2_MAGIC     0xE85250D6
#define MB2_ARCH_I386 0

	.section .multiboot, "a"
	.balign 8
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header	/* header_addr */
	.long __image_start	/* load_addr */
	.long __load_end	/* load_end_addr */
	.long __image_end	/* bss_end_addr: the loader zeroes up to here */
	.long _start32		/* entry_addr */

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_end - mb2_header))
	/* end tag */
	.balign 8
	.short 0
	.short 0
	.long 8
mb2_end:

	.section .note.GNU-stack, "", @progbits
