/* SPDX-License-Identifier: MIT */
/*
 * The bytes that rb-tftp-gen writes: the benchmark files in the pattern
 * of tftpgen.h, and the reflector frame.
 */
#ifndef RB_BENCH_TFTP_TFTPGEN_FILE_H
#define RB_BENCH_TFTP_TFTPGEN_FILE_H

#include <stdint.h>

int tftpgen_write_file(const char *path, uint64_t size);
void tftpgen_reflect_frame(uint8_t *frame, uint32_t src_addr, uint32_t dst_addr,
			   uint16_t src_port);

#endif
