import Glibc

/// GB18030 (a superset of GBK, what Excel writes on Chinese Windows) to UTF-8, chunk by
/// chunk, through the C library's iconv. A multi-byte character split across two chunks
/// is carried over to the next one.
final class GB18030Decoder {
    private let converter: iconv_t
    private var carry: [UInt8] = []

    init?() {
        let converter = iconv_open("UTF-8", "GB18030")
        guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
        self.converter = converter
    }

    deinit {
        iconv_close(converter)
    }

    /// Returns the UTF-8 of `chunk`, or nil if it holds a byte sequence GB18030 does not have.
    func decode(_ chunk: ArraySlice<UInt8>, final: Bool) -> [UInt8]? {
        var input = carry + chunk
        carry = []
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inputLeft = input.count
        var outputLeft = output.count
        let failed: Bool = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                let result = iconv(converter, &inPointer, &inputLeft, &outPointer, &outputLeft)
                return result == -1 && !(errno == EINVAL && !final)
            }
        }
        if failed { return nil }
        if inputLeft > 0 {
            carry = Array(input.suffix(inputLeft))
        }
        return Array(output.prefix(output.count - outputLeft))
    }
}
