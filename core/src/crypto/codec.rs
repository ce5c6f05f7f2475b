//! A small length-prefixed binary codec for plaintexts inside records and key slots.
//!
//! Written by hand rather than with serde because every byte of these buffers is secret: the
//! writer sizes its buffer up front so it never reallocates (a reallocation would leave an
//! unwiped copy behind), and the reader borrows from the decrypted buffer instead of copying.
//!
//! The size contract: a caller passes [`Writer::with_capacity`] at least the bytes it will
//! write ([`Writer::str_len`] for each string). Debug builds, so every test, assert it on each
//! write, so a size added up wrongly fails the tests rather than leaving a copy on a phone.

use zeroize::Zeroizing;

use crate::{Error, Result};

pub(crate) struct Writer {
    buf: Zeroizing<Vec<u8>>,
}

impl Writer {
    /// `capacity` must cover everything that will be written, or the buffer may reallocate.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Writer {
            buf: Zeroizing::new(Vec::with_capacity(capacity)),
        }
    }

    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.put(&[v])
    }

    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.put(&v.to_be_bytes())
    }

    pub(crate) fn i64(&mut self, v: i64) -> &mut Self {
        self.put(&v.to_be_bytes())
    }

    pub(crate) fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }

    /// A u32 length, then the bytes.
    pub(crate) fn bytes(&mut self, v: &[u8]) -> &mut Self {
        // Lengths above u32 are refused earlier by input limits; saturate rather than wrap.
        self.u32(u32::try_from(v.len()).unwrap_or(u32::MAX));
        self.put(v)
    }

    pub(crate) fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }

    pub(crate) fn put(&mut self, v: &[u8]) -> &mut Self {
        debug_assert!(
            self.buf.len() + v.len() <= self.buf.capacity(),
            "codec writer would reallocate and leave an unwiped copy"
        );
        self.buf.extend_from_slice(v);
        self
    }

    pub(crate) fn finish(self) -> Zeroizing<Vec<u8>> {
        self.buf
    }

    /// Bytes needed to encode a string with [`Writer::str`].
    pub(crate) fn str_len(s: &str) -> usize {
        4 + s.len()
    }
}

pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() < n {
            return Err(Error::Tampered);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| Error::Tampered)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    pub(crate) fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::Tampered),
        }
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8]> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str> {
        std::str::from_utf8(self.bytes()?).map_err(|_| Error::Tampered)
    }

    /// Fails unless every byte was consumed: trailing bytes mean the data is not what we wrote.
    pub(crate) fn finish(self) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Error::Tampered)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut w = Writer::with_capacity(64);
        w.u8(3)
            .u32(7)
            .i64(-5)
            .bool(true)
            .str("héllo")
            .bytes(&[1, 2]);
        let buf = w.finish();
        let mut r = Reader::new(&buf);
        assert_eq!(r.u8().unwrap(), 3);
        assert_eq!(r.u32().unwrap(), 7);
        assert_eq!(r.i64().unwrap(), -5);
        assert!(r.bool().unwrap());
        assert_eq!(r.str().unwrap(), "héllo");
        assert_eq!(r.bytes().unwrap(), &[1, 2]);
        r.finish().unwrap();
    }

    #[test]
    fn short_and_bad_input_is_an_error_not_a_panic() {
        assert_eq!(Reader::new(&[0, 0, 0, 9, 1]).bytes(), Err(Error::Tampered));
        assert_eq!(Reader::new(&[2]).bool(), Err(Error::Tampered));
        assert_eq!(Reader::new(&[0, 0, 0, 1, 0xff]).str(), Err(Error::Tampered));
        assert_eq!(Reader::new(&[1]).finish(), Err(Error::Tampered));
    }
}
