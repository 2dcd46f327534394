extension String {
    /// `String(decoding: bytes, as: UTF8.self)`, invalid UTF-8 repaired the same way. A string short enough to be
    /// held inline (15 bytes) is made by copying the bytes straight into it, about a third less work for the
    /// names, severities and people that records and the derived cache are made of; a longer one as before,
    /// which is as quick (`TextTests` holds the two to the same result).
    init(utf8Bytes bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            self = ""
            return
        }
        guard bytes.count <= 15 else {
            self.init(decoding: bytes, as: UTF8.self)
            return
        }
        self.init(unsafeUninitializedCapacity: bytes.count) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: bytes.count)
            return bytes.count
        }
    }

    /// `init(utf8Bytes:)` of typed bytes.
    init(utf8Bytes bytes: UnsafeBufferPointer<UInt8>) {
        self.init(utf8Bytes: UnsafeRawBufferPointer(bytes))
    }
}
