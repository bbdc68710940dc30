//! A minimal ZIP writer: one file, deflated or stored, enough for report downloads.
//!
//! The Reports API delivers `<PRODUCT>_<REPORT_ID>.zip` holding one CSV. The container (local
//! header, data, central directory, end record, CRC-32) is a few dozen lines written by hand;
//! the compression itself is `miniz_oxide`'s raw deflate, the same pure-Rust inflater clients
//! are likely to read it with.

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as ZIP uses it.
pub fn crc32(data: &[u8]) -> u32 {
    const fn table() -> [u32; 256] {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    }
    const TABLE: [u32; 256] = table();
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// DOS time and date fields for a UTC epoch-ms time.
fn dos_time_date(ms: i64) -> (u16, u16) {
    let days = ms.div_euclid(86_400_000);
    let secs = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = crate::timestamp::civil_from_days(days);
    let year = (y.clamp(1980, 2107) - 1980) as u16;
    let time =
        ((secs / 3600) as u16) << 11 | ((secs / 60 % 60) as u16) << 5 | (secs % 60 / 2) as u16;
    let date = year << 9 | (m as u16) << 5 | d as u16;
    (time, date)
}

/// A ZIP archive holding `data` as `name`, dated `mtime_ms`, deflated (method 8) or stored
/// (method 0). Archives over 4 GiB are not supported (the simulator never builds one).
pub fn single_file_zip(name: &str, data: &[u8], mtime_ms: i64, deflate: bool) -> Vec<u8> {
    let crc = crc32(data);
    let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let (method, packed) = if deflate {
        (8u16, miniz_oxide::deflate::compress_to_vec(data, 6))
    } else {
        (0u16, data.to_vec())
    };
    let packed_size = u32::try_from(packed.len()).unwrap_or(u32::MAX);
    let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
    let name = &name.as_bytes()[..usize::from(name_len)];
    let (time, date) = dos_time_date(mtime_ms);
    let mut out = Vec::with_capacity(packed.len() + 2 * name.len() + 100);
    let put16 = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_le_bytes());
    let put32 = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
    // Local file header.
    put32(&mut out, 0x0403_4B50);
    put16(&mut out, 20); // version needed
    put16(&mut out, 0x0800); // flags: UTF-8 names
    put16(&mut out, method);
    put16(&mut out, time);
    put16(&mut out, date);
    put32(&mut out, crc);
    put32(&mut out, packed_size);
    put32(&mut out, size);
    put16(&mut out, name_len);
    put16(&mut out, 0);
    out.extend_from_slice(name);
    out.extend_from_slice(&packed);
    let central_start = u32::try_from(out.len()).unwrap_or(u32::MAX);
    // Central directory header.
    put32(&mut out, 0x0201_4B50);
    put16(&mut out, 20); // version made by
    put16(&mut out, 20);
    put16(&mut out, 0x0800);
    put16(&mut out, method);
    put16(&mut out, time);
    put16(&mut out, date);
    put32(&mut out, crc);
    put32(&mut out, packed_size);
    put32(&mut out, size);
    put16(&mut out, name_len);
    put16(&mut out, 0); // extra
    put16(&mut out, 0); // comment
    put16(&mut out, 0); // disk
    put16(&mut out, 0); // internal attributes
    put32(&mut out, 0); // external attributes
    put32(&mut out, 0); // local header offset
    out.extend_from_slice(name);
    let central_len = u32::try_from(out.len()).unwrap_or(u32::MAX) - central_start;
    // End of central directory.
    put32(&mut out, 0x0605_4B50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, 1);
    put16(&mut out, 1);
    put32(&mut out, central_len);
    put32(&mut out, central_start);
    put16(&mut out, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn archive_layout() {
        let zip = single_file_zip("report.csv", b"a,b\n1,2\n", 1_561_735_800_000, false);
        assert_eq!(&zip[0..4], b"PK\x03\x04");
        assert_eq!(&zip[30..40], b"report.csv");
        assert_eq!(&zip[40..48], b"a,b\n1,2\n");
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
        let cd_offset = u32::from_le_bytes([
            zip[zip.len() - 6],
            zip[zip.len() - 5],
            zip[zip.len() - 4],
            zip[zip.len() - 3],
        ]) as usize;
        assert_eq!(&zip[cd_offset..cd_offset + 4], b"PK\x01\x02");
        let (_, date) = dos_time_date(1_561_735_800_000);
        assert_eq!(date >> 9, 2019 - 1980);
    }

    #[test]
    fn deflated_entry_inflates_back() {
        let csv = "a,b\r\n".repeat(500);
        let zip = single_file_zip("r.csv", csv.as_bytes(), 0, true);
        assert_eq!(u16::from_le_bytes([zip[8], zip[9]]), 8);
        let packed = u32::from_le_bytes([zip[18], zip[19], zip[20], zip[21]]) as usize;
        assert!(packed < csv.len() / 10);
        let data = &zip[35..35 + packed];
        let inflated = miniz_oxide::inflate::decompress_to_vec(data).expect("inflates");
        assert_eq!(inflated, csv.as_bytes());
        assert_eq!(
            crc32(&inflated),
            u32::from_le_bytes([zip[14], zip[15], zip[16], zip[17]])
        );
    }
}
