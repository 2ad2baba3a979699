using System.Text;

namespace Workbook.SearchLogs;

/// <summary>
/// Repairs text whose UTF-8 bytes were decoded as Latin-1 or CP1252 ("cafÃ©" -> "café", "donâ€™t" -> "don’t").
/// Only byte sequences that form valid, non-overlong UTF-8 are decoded, so ordinary accented text is left alone.
/// Queries in these logs were lower-cased after the damage ("cinã©ma"), so a lower-cased lead character
/// (ã â ä å for Ã Â Ä Å) followed by a continuation character is repaired too.
/// </summary>
internal static class Mojibake
{
    // CP1252 0x80..0x9F; undefined slots keep the Latin-1 control character that a Latin-1 decoder produces.
    private const string Cp1252High = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
    private static readonly Dictionary<char, byte> HighBytes = BuildHighBytes();

    private static Dictionary<char, byte> BuildHighBytes()
    {
        var map = new Dictionary<char, byte>();
        for (var i = 0; i < Cp1252High.Length; i++) map[Cp1252High[i]] = (byte)(0x80 + i);
        for (var b = 0x80; b <= 0x9F; b++) map.TryAdd((char)b, (byte)b);
        for (var b = 0xA0; b <= 0xFF; b++) map[(char)b] = (byte)b;
        return map;
    }

    /// <summary>True when <paramref name="text"/> held mojibake; <paramref name="repaired"/> is then the fixed text.</summary>
    public static bool TryRepair(string text, out string repaired)
    {
        repaired = text;
        var any = false;
        // Text damaged twice (UTF-8 -> CP1252 -> UTF-8 -> CP1252) needs two passes; a third never helps.
        for (var pass = 0; pass < 2; pass++)
        {
            if (!RepairOnce(repaired, out var next)) break;
            repaired = next;
            any = true;
        }
        return any;
    }

    private static bool RepairOnce(string s, out string result)
    {
        result = s;
        var first = -1;
        for (var i = 0; i < s.Length; i++)
            if (s[i] is >= '\u00C2' and <= '\u00F4') { first = i; break; }
        if (first < 0) return false;

        StringBuilder? sb = null;
        var copied = 0;
        Span<byte> bytes = stackalloc byte[4];
        for (var i = first; i < s.Length; i++)
        {
            if (!HighBytes.TryGetValue(s[i], out var lead) || lead < 0xC2 || lead > 0xF4) continue;
            var consumed = TryDecode(s, i, lead, bytes, out var rune);
            if (consumed == 0 && s[i] is 'ã' or 'â' or 'ä' or 'å')
                consumed = TryDecode(s, i, (byte)(lead - 0x20), bytes, out rune);
            if (consumed == 0) continue;

            sb ??= new StringBuilder(s.Length);
            sb.Append(s, copied, i - copied);
            sb.Append(rune.ToString());
            copied = i + consumed;
            i = copied - 1;
        }
        if (sb == null) return false;
        sb.Append(s, copied, s.Length - copied);
        result = sb.ToString();
        return true;
    }

    /// <summary>Characters consumed (lead plus continuations) when they decode to one valid scalar, else 0.</summary>
    private static int TryDecode(string s, int at, byte lead, Span<byte> bytes, out Rune rune)
    {
        rune = default;
        var need = lead switch { >= 0xC2 and <= 0xDF => 1, >= 0xE0 and <= 0xEF => 2, >= 0xF0 and <= 0xF4 => 3, _ => -1 };
        if (need < 0 || at + need >= s.Length) return 0;
        bytes[0] = lead;
        for (var k = 1; k <= need; k++)
        {
            if (!HighBytes.TryGetValue(s[at + k], out var b) || b < 0x80 || b > 0xBF) return 0;
            bytes[k] = b;
        }
        // Rune.DecodeFromUtf8 rejects overlong forms and surrogates, which is what keeps real text safe.
        var status = Rune.DecodeFromUtf8(bytes[..(need + 1)], out rune, out var used);
        return status == System.Buffers.OperationStatus.Done && used == need + 1 ? need + 1 : 0;
    }
}
