using System.Numerics;
using System.Runtime.CompilerServices;
namespace Workbook.SearchLogs;

/// <summary>
/// Parses the timestamp shapes found in the logs ("2020-03-10 09:24:31.000 -0400", "2019-05-30 18:34:31+02:00",
/// also 'T' separators, 'Z', "+02" and any fraction) into Unix milliseconds and the offset they carried, and formats
/// the UTC form the clean tables store. A timestamp without an offset is rejected: its instant is unknown.
/// Hand-written because it runs once per row (tens of millions of times in the benchmark).
/// </summary>
internal static class LogTimestamp
{
    /// <summary>Null when <paramref name="text"/> parses; otherwise why not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? TryParse(ReadOnlySpan<char> text, out long unixMs, out int offsetMinutes)
    {
        unixMs = 0; offsetMinutes = 0;
        var s = text.Trim();
        if (s.Length < 19) return "too short for yyyy-MM-dd HH:mm:ss";
        if (!Digits(s, 0, 4, out var year) || s[4] != '-' || !Digits(s, 5, 2, out var month) || s[7] != '-'
            || !Digits(s, 8, 2, out var day) || (s[10] != ' ' && s[10] != 'T')
            || !Digits(s, 11, 2, out var hour) || s[13] != ':' || !Digits(s, 14, 2, out var minute) || s[16] != ':'
            || !Digits(s, 17, 2, out var second))
            return "not yyyy-MM-dd HH:mm:ss";
        if (year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
            return "date or time out of range";

        var i = 19;
        var millis = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (i - start < 3) millis = millis * 10 + (s[i] - '0');
                i++;
            }
            if (i == start) return "empty fraction of a second";
            for (var k = i - start; k < 3; k++) millis *= 10;
        }
        while (i < s.Length && s[i] == ' ') i++;
        if (i == s.Length) return "no UTC offset";
        if (s[i] is 'Z' or 'z')
        {
            if (i + 1 != s.Length) return "text after 'Z'";
        }
        else
        {
            if (s[i] is not ('+' or '-')) return "offset is not +hh:mm, +hhmm, +hh or Z";
            var sign = s[i] == '-' ? -1 : 1;
            var rest = s[(i + 1)..];
            int oh, om = 0;
            if (rest.Length == 2 && Digits(rest, 0, 2, out oh)) { }
            else if (rest.Length == 4 && Digits(rest, 0, 2, out oh) && Digits(rest, 2, 2, out om)) { }
            else if (rest.Length == 5 && rest[2] == ':' && Digits(rest, 0, 2, out oh) && Digits(rest, 3, 2, out om)) { }
            else return "offset is not +hh:mm, +hhmm, +hh or Z";
            if (oh > 14 || om > 59) return "offset out of range";
            offsetMinutes = sign * (oh * 60 + om);
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        unixMs = (local.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond + millis - offsetMinutes * 60_000L;
        // 9999-12-31 23:59 with a negative offset is an instant in the year 10000, which the clean tables' four-digit
        // UTC form cannot hold: a row-level problem like any other bad timestamp, not a failed run.
        if (unixMs > MaxUnixMs) return "after 9999-12-31T23:59:59.999Z once converted to UTC";
        return null;
    }

    private static readonly long MaxUnixMs = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>"2020-03-10T13:24:31.000Z".</summary>
    public static string FormatUtc(long unixMs) => string.Create(24, unixMs, static (span, ms) => Format(span, ms));

    /// <summary>The same 24 characters as <see cref="FormatUtc(long)"/>, as UTF-8 (ASCII) bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FormatUtc(long unixMs, Span<byte> utf8) => Format(utf8, unixMs);

    private static void Format<T>(Span<T> span, long unixMs) where T : struct, IBinaryInteger<T>
    {
        var t = DateTime.UnixEpoch.AddMilliseconds(unixMs);
        Write(span, 0, t.Year, 4); span[4] = T.CreateTruncating('-'); Write(span, 5, t.Month, 2); span[7] = T.CreateTruncating('-');
        Write(span, 8, t.Day, 2); span[10] = T.CreateTruncating('T'); Write(span, 11, t.Hour, 2); span[13] = T.CreateTruncating(':');
        Write(span, 14, t.Minute, 2); span[16] = T.CreateTruncating(':'); Write(span, 17, t.Second, 2); span[19] = T.CreateTruncating('.');
        Write(span, 20, t.Millisecond, 3); span[23] = T.CreateTruncating('Z');
    }

    private static readonly string[] OffsetCache = new string[14 * 60 * 2 + 1];

    private static readonly byte[]?[] OffsetUtf8Cache = new byte[14 * 60 * 2 + 1][];

    /// <summary><see cref="FormatOffset"/> as UTF-8 bytes, cached (callers must not change them).</summary>
    internal static byte[] FormatOffsetUtf8(int offsetMinutes)
    {
        var slot = offsetMinutes + 14 * 60;
        if ((uint)slot < (uint)OffsetUtf8Cache.Length && OffsetUtf8Cache[slot] is { } cached) return cached;
        var bytes = System.Text.Encoding.ASCII.GetBytes(FormatOffset(offsetMinutes));
        if ((uint)slot < (uint)OffsetUtf8Cache.Length) OffsetUtf8Cache[slot] = bytes;
        return bytes;
    }

    /// <summary>"-04:00", "+05:30", "+00:00".</summary>
    public static string FormatOffset(int offsetMinutes)
    {
        var slot = offsetMinutes + 14 * 60;
        if ((uint)slot < (uint)OffsetCache.Length && OffsetCache[slot] is { } cached) return cached;
        var a = Math.Abs(offsetMinutes);
        var text = $"{(offsetMinutes < 0 ? '-' : '+')}{a / 60:00}:{a % 60:00}";
        if ((uint)slot < (uint)OffsetCache.Length) OffsetCache[slot] = text;
        return text;
    }

    private static bool Digits(ReadOnlySpan<char> s, int at, int count, out int value)
    {
        value = 0;
        for (var k = 0; k < count; k++)
        {
            var c = s[at + k];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static void Write<T>(Span<T> span, int at, int value, int width) where T : struct, IBinaryInteger<T>
    {
        for (var k = width - 1; k >= 0; k--) { span[at + k] = T.CreateTruncating('0' + value % 10); value /= 10; }
    }
}
