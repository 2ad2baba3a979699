using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbook.Products.Ranking;

/// <summary>
/// Fixed 12 decimals via integer formatting: shortest round-trip double formatting was most of the write pass, and
/// CTRs and scores (below ~10) need absolute, not relative, precision to be read back and compared. The text is the
/// value rounded to a multiple of 1e-12 (<c>Math.Round(x * 1e12)</c>), its whole part, a point and the twelve
/// decimals with trailing zeros dropped (at least one kept): 0.5 is "0.5", 2 is "2.0". Values of 9e6 or more (and
/// NaN, infinities) are written as "R" formats them.
/// </summary>
internal static class FixedDecimal
{
    private static ReadOnlySpan<byte> Pairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Writes <paramref name="x"/> as UTF-8 into <paramref name="dst"/> (at least 32 bytes); returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Write(double x, Span<byte> dst)
    {
        int n;
        if (!(Math.Abs(x) < 9e6))
        {
            x.TryFormat(dst, out n, "R", CultureInfo.InvariantCulture);
            return n;
        }
        if (dst.Length < 32) throw new ArgumentException("needs 32 bytes", nameof(dst));
        // Written through a reference (the length was checked once): a bounds check per digit pair was a visible share
        // of the score pass, which formats one score per row.
        ref var d = ref MemoryMarshal.GetReference(dst);
        var at = 0;
        if (x < 0) { d = (byte)'-'; at = 1; x = -x; }
        var scaled = (ulong)(long)Math.Round(x * 1e12);
        var whole = scaled / 1_000_000_000_000UL;
        var frac = scaled - whole * 1_000_000_000_000UL;
        if (whole < 10) Unsafe.Add(ref d, at++) = (byte)('0' + whole); // every score and CTR of the real file
        else
        {
            whole.TryFormat(dst[at..], out n, default, CultureInfo.InvariantCulture);
            at += n;
        }
        Unsafe.Add(ref d, at++) = (byte)'.';
        // The twelve decimals as two independent halves of six (a chain of six divisions by 100 was twice as slow).
        var high = (uint)(frac / 1_000_000UL);
        ref var pairs = ref MemoryMarshal.GetReference(Pairs);
        Six(high, ref Unsafe.Add(ref d, at), ref pairs);
        Six((uint)(frac - high * 1_000_000UL), ref Unsafe.Add(ref d, at + 6), ref pairs);
        at += 12;
        while (Unsafe.Add(ref d, at - 1) == '0' && Unsafe.Add(ref d, at - 2) != '.') at--;
        return at;
    }

    // Six digits of v (< 1,000,000), leading zeros kept, as three two-digit pairs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Six(uint v, ref byte d, ref byte pairs)
    {
        var a = v / 10_000;
        var b = v - a * 10_000;
        var c = b / 100;
        Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, 2 * (int)a)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 2), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, 2 * (int)c)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 4), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, 2 * (int)(b - c * 100))));
    }
}
