; Hand-written LLVM IR with debug metadata for llvm-forms.test.ts. llc writes DWARF 5 the way clang does:
; DW_FORM_strx1/addrx with DW_AT_str_offsets_base/addr_base, and a line table whose file entries
; use file index 0, DW_FORM_udata directories and DW_FORM_data16 MD5s — forms GCC 12 never emits.
source_filename = "src/llvm.c"
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n64-S128"
target triple = "riscv64-unknown-elf"

@sink = dso_local global i64 0, align 8, !dbg !0

define dso_local i64 @leaf(i64 %x) !dbg !10 {
entry:
  store volatile i64 %x, i64* @sink, align 8, !dbg !13
  %m = mul i64 %x, 3, !dbg !14
  ret i64 %m, !dbg !15
}

define dso_local void @_start() !dbg !16 {
entry:
  %r = call i64 @leaf(i64 5), !dbg !17
  store volatile i64 %r, i64* @sink, align 8, !dbg !17
  br label %loop, !dbg !18
loop:
  br label %loop, !dbg !18
}

!llvm.dbg.cu = !{!2}
!llvm.module.flags = !{!6, !7}

!0 = !DIGlobalVariableExpression(var: !1, expr: !DIExpression())
!1 = distinct !DIGlobalVariable(name: "sink", scope: !2, file: !3, line: 1, type: !5, isLocal: false, isDefinition: true)
!2 = distinct !DICompileUnit(language: DW_LANG_C99, file: !3, producer: "hand-written LLVM IR", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug, globals: !4)
!3 = !DIFile(filename: "src/llvm.c", directory: "/work/llvm", checksumkind: CSK_MD5, checksum: "0123456789abcdef0123456789abcdef")
!4 = !{!0}
!5 = !DIBasicType(name: "long", size: 64, encoding: DW_ATE_signed)
!6 = !{i32 7, !"Dwarf Version", i32 5}
!7 = !{i32 2, !"Debug Info Version", i32 3}
!9 = !DISubroutineType(types: !{!5, !5})
!10 = distinct !DISubprogram(name: "leaf", scope: !3, file: !3, line: 3, type: !9, scopeLine: 4, spFlags: DISPFlagDefinition, unit: !2)
!13 = !DILocation(line: 5, column: 7, scope: !10)
!14 = !DILocation(line: 6, column: 11, scope: !10)
!15 = !DILocation(line: 6, column: 2, scope: !10)
!16 = distinct !DISubprogram(name: "_start", scope: !3, file: !3, line: 9, type: !19, scopeLine: 10, spFlags: DISPFlagDefinition, unit: !2)
!17 = !DILocation(line: 11, column: 9, scope: !16)
!18 = !DILocation(line: 12, column: 2, scope: !16)
!19 = !DISubroutineType(types: !{null})
