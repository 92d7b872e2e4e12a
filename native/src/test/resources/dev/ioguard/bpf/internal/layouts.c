/* Prints the sizes, offsets and constants StructsTest compares with the Java layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>

#define SIZE(s) printf("sizeof %s %zu\n", #s, sizeof(struct s))
#define OFFSET(s, f) printf("offsetof %s.%s %zu\n", #s, #f, offsetof(struct s, f))
#define CONST(c) printf("const %s %ld\n", #c, (long)(c))

int main(void)
{
	SIZE(bpf_object_open_opts);
	OFFSET(bpf_object_open_opts, sz);
	OFFSET(bpf_object_open_opts, object_name);
	OFFSET(bpf_object_open_opts, relaxed_maps);
	OFFSET(bpf_object_open_opts, pin_root_path);
	OFFSET(bpf_object_open_opts, kconfig);
	OFFSET(bpf_object_open_opts, btf_custom_path);
	OFFSET(bpf_object_open_opts, kernel_log_buf);
	OFFSET(bpf_object_open_opts, kernel_log_size);
	OFFSET(bpf_object_open_opts, kernel_log_level);
	SIZE(ring_buffer_opts);
	OFFSET(ring_buffer_opts, sz);
	SIZE(bpf_map_batch_opts);
	OFFSET(bpf_map_batch_opts, sz);
	OFFSET(bpf_map_batch_opts, elem_flags);
	OFFSET(bpf_map_batch_opts, flags);
	SIZE(btf_type);
	OFFSET(btf_type, name_off);
	OFFSET(btf_type, info);
	OFFSET(btf_type, size);
	OFFSET(btf_type, type);
	OFFSET(bpf_prog_info, run_time_ns);
	OFFSET(bpf_prog_info, run_cnt);
	OFFSET(bpf_prog_info, recursion_misses);
	printf("sizeof va_list %zu\n", sizeof(va_list));
	CONST(BTF_KIND_PTR);
	CONST(BTF_KIND_ENUM);
	CONST(BTF_KIND_ENUM64);
	SIZE(btf_enum);
	OFFSET(btf_enum, val);
	SIZE(btf_enum64);
	OFFSET(btf_enum64, val_lo32);
	CONST(BTF_KIND_TYPEDEF);
	CONST(BTF_KIND_FUNC);
	CONST(BTF_KIND_FUNC_PROTO);
	CONST(BPF_MAP_TYPE_HASH);
	CONST(BPF_MAP_TYPE_ARRAY);
	CONST(BPF_MAP_TYPE_PERCPU_HASH);
	CONST(BPF_MAP_TYPE_PERCPU_ARRAY);
	CONST(BPF_MAP_TYPE_LRU_HASH);
	CONST(BPF_MAP_TYPE_LRU_PERCPU_HASH);
	CONST(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
	CONST(BPF_MAP_TYPE_RINGBUF);
	CONST(BPF_ANY);
	CONST(BPF_NOEXIST);
	CONST(BPF_EXIST);
	CONST(LIBBPF_WARN);
	CONST(LIBBPF_INFO);
	CONST(LIBBPF_DEBUG);
	return 0;
}
