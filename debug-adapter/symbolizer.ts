/** The symbolizer moved to vmm-core (the stack unwinder names frames with it); the adapter keeps importing it from here. */
export { Symbolizer, type SymbolLocation } from "../vmm-core/debug/symbolizer";
