using System.Text;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// Mutations a careless or hostile user's file goes through: byte flips, truncation, stray quotes, CR/LF and BOM games,
/// huge fields, wrong encodings, invalid UTF-8, NUL bytes, lines and fields moved, doubled, emptied or given absurd
/// values. Each call applies one to three, chosen by the case's own seeded Random, and says which (to reproduce a case:
/// the family, the seed and the case number).
/// </summary>
internal static class HostileBytes
{
    private static readonly string[] AbsurdFields =
    [
        "", " ", "-1", "-0", "1e308", "-1e308", "NaN", "Infinity", "1e-320", "99999999999999999999999999", "0x10", "12.5.3",
        "9999-12-31 23:59:59.999 -0500", "0000-00-00 00:00:00 +0000", "1969-12-31 23:59:59 +1400", "2020-02-30 10:00:00Z",
        "\"", "\"\"", "\"a,b\"", "a\"b", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'; DROP TABLE x; --",
        "\u202Eevil", "😀", "\uFEFF", "é", "\t", "\u0000", "∞", "١٢٣",
    ];

    private delegate byte[] Mutation(byte[] b, Random rng);

    private static readonly (string Name, Mutation Apply)[] Mutations =
    [
        ("flip bytes", (b, rng) =>
        {
            var c = (byte[])b.Clone();
            for (var n = rng.Next(1, 9); n > 0 && c.Length > 0; n--) c[rng.Next(c.Length)] ^= (byte)(1 << rng.Next(8));
            return c;
        }),
        ("random bytes", (b, rng) =>
        {
            var c = (byte[])b.Clone();
            for (var n = rng.Next(1, 5); n > 0 && c.Length > 0; n--) c[rng.Next(c.Length)] = (byte)rng.Next(256);
            return c;
        }),
        ("truncate", (b, rng) => b[..rng.Next(b.Length + 1)]),
        ("stray quote", (b, rng) => Insert(b, rng.Next(b.Length + 1), rng.Next(3) == 0 ? "\"\"\"" : "\"")),
        ("CRLF everywhere", (b, _) => Replace(b, "\n", "\r\n")),
        ("lone CR for LF", (b, rng) => ReplaceSome(b, (byte)'\n', (byte)'\r', rng)),
        ("lines joined", (b, rng) => RemoveSome(b, (byte)'\n', rng)),
        ("newline inserted", (b, rng) => Insert(b, rng.Next(b.Length + 1), rng.Next(2) == 0 ? "\n" : "\r\n\r\n")),
        ("UTF-8 BOM", (b, _) => [0xEF, 0xBB, 0xBF, .. b]),
        ("double BOM", (b, _) => [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. b]),
        ("BOM mid-file", (b, rng) => InsertBytes(b, LineStart(b, rng), [0xEF, 0xBB, 0xBF])),
        ("UTF-16 LE", (b, _) => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(b))]),
        ("UTF-16 BE without BOM", (b, _) => Encoding.BigEndianUnicode.GetBytes(Encoding.UTF8.GetString(b))),
        ("Latin-1", (b, _) => Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(b).Replace('e', 'é').Replace('a', 'ä'))),
        ("invalid UTF-8", (b, rng) => InsertBytes(b, rng.Next(b.Length + 1), rng.Next(4) switch
        {
            0 => [0xC3], 1 => [0xFF, 0xFE], 2 => [0xC0, 0xAF], _ => [0xED, 0xA0, 0x80], // lone lead, non-UTF-8, overlong, surrogate
        })),
        ("NUL bytes", (b, rng) => InsertBytes(b, rng.Next(b.Length + 1), new byte[rng.Next(1, 4)])),
        ("huge field", (b, rng) => Insert(b, rng.Next(b.Length + 1), new string((char)rng.Next('a', 'z' + 1), rng.Next(10_000, 200_000)))),
        ("huge number", (b, rng) => Insert(b, rng.Next(b.Length + 1), new string('9', rng.Next(20, 5_000)))),
        ("duplicate lines", (b, rng) => EditLines(b, lines =>
        {
            for (var n = rng.Next(1, 20); n > 0 && lines.Count > 1; n--) lines.Insert(rng.Next(1, lines.Count + 1), lines[rng.Next(1, lines.Count)]);
        })),
        ("delete lines", (b, rng) => EditLines(b, lines =>
        {
            for (var n = rng.Next(1, 20); n > 0 && lines.Count > 0; n--) lines.RemoveAt(rng.Next(lines.Count));
        })),
        ("swap lines", (b, rng) => EditLines(b, lines =>
        {
            if (lines.Count < 2) return;
            int i = rng.Next(lines.Count), j = rng.Next(lines.Count);
            (lines[i], lines[j]) = (lines[j], lines[i]);
        })),
        ("header shuffled", (b, rng) => EditLines(b, lines =>
        {
            if (lines.Count == 0) return;
            var h = lines[0].Split(',');
            int i = rng.Next(h.Length), j = rng.Next(h.Length);
            (h[i], h[j]) = (h[j], h[i]);
            if (rng.Next(3) == 0) h[rng.Next(h.Length)] = rng.Next(2) == 0 ? "" : h[0];
            lines[0] = string.Join(',', h);
        })),
        ("header repeated", (b, rng) => EditLines(b, lines => { if (lines.Count > 0) lines.Insert(rng.Next(lines.Count + 1), lines[0]); })),
        ("absurd field", (b, rng) => EditLines(b, lines =>
        {
            for (var n = rng.Next(1, 6); n > 0 && lines.Count > 1; n--)
            {
                var at = rng.Next(1, lines.Count);
                var fields = lines[at].Split(',');
                fields[rng.Next(fields.Length)] = AbsurdFields[rng.Next(AbsurdFields.Length)];
                lines[at] = string.Join(',', fields);
            }
        })),
        ("field added or dropped", (b, rng) => EditLines(b, lines =>
        {
            if (lines.Count < 2) return;
            var at = rng.Next(1, lines.Count);
            var comma = lines[at].IndexOf(',');
            lines[at] = rng.Next(2) == 0 || comma < 0 ? lines[at] + ",extra" : lines[at].Remove(comma, 1);
        })),
        ("empty file", (_, _) => []),
        ("header only", (b, _) => EditLines(b, lines => lines.RemoveRange(Math.Min(1, lines.Count), Math.Max(0, lines.Count - 1)))),
    ];

    /// <summary>One to three mutations of <paramref name="input"/>; <paramref name="applied"/> names them in order.</summary>
    public static byte[] Mutate(byte[] input, Random rng, out string applied)
    {
        var names = new List<string>();
        var bytes = input;
        for (var n = rng.Next(1, 4); n > 0; n--)
        {
            var (name, apply) = Mutations[rng.Next(Mutations.Length)];
            bytes = apply(bytes, rng);
            names.Add(name);
        }
        applied = string.Join(" + ", names);
        return bytes;
    }

    private static byte[] Insert(byte[] b, int at, string text) => InsertBytes(b, at, Encoding.UTF8.GetBytes(text));

    private static byte[] InsertBytes(byte[] b, int at, byte[] insert) => [.. b.AsSpan(0, at), .. insert, .. b.AsSpan(at)];

    private static byte[] Replace(byte[] b, string from, string to) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b).Replace("\r\n", "\n").Replace(from, to));

    private static byte[] ReplaceSome(byte[] b, byte from, byte to, Random rng)
    {
        var c = (byte[])b.Clone();
        for (var i = 0; i < c.Length; i++) if (c[i] == from && rng.Next(4) == 0) c[i] = to;
        return c;
    }

    private static byte[] RemoveSome(byte[] b, byte what, Random rng) => b.Where(x => x != what || rng.Next(8) != 0).ToArray();

    private static int LineStart(byte[] b, Random rng)
    {
        var starts = b.Select((x, i) => (x, i)).Where(p => p.x == '\n').Select(p => p.i + 1).Prepend(0).ToList();
        return starts[rng.Next(starts.Count)];
    }

    // Lines of the text as decoded (invalid bytes become U+FFFD, which is itself a mutation); edits keep the line endings simple.
    private static byte[] EditLines(byte[] b, Action<List<string>> edit)
    {
        var text = Encoding.UTF8.GetString(b);
        var lines = text.Split('\n').ToList();
        var trailing = lines.Count > 0 && lines[^1].Length == 0;
        if (trailing) lines.RemoveAt(lines.Count - 1);
        edit(lines);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines) + (trailing ? "\n" : ""));
    }
}
