using System.Text;

namespace Workbook.SearchLogs;

/// <summary>What <see cref="MessyLogGenerator"/> wrote, and how many rows of each kind of damage it put in (the
/// counts the pipeline must reject, by <see cref="RejectReason"/>).</summary>
public sealed record GeneratedLogs(string Folder, long RequestRows, long ClickRows, IReadOnlyDictionary<string, long> InjectedRequests,
    IReadOnlyDictionary<string, long> InjectedClicks);

/// <summary>
/// Writes search logs of the same shape and mess as the real ones, at any size, streaming (constant memory):
/// pandas index column, two timestamp spellings and many offsets, exact and conflicting duplicate requests,
/// clicks logged twice, repeated clicks, orphan clicks, clicks before their request, quoted commas, e-mails, URLs,
/// mojibake, and a few unreadable rows. Each damaged row carries exactly one kind of damage, so the counts it
/// reports are exactly what a correct pipeline rejects. Seeded: the same arguments give the same bytes.
/// </summary>
public static class MessyLogGenerator
{
    private static readonly string[] Words =
    [
        "music", "video", "wedding", "drone", "timelapse", "short", "film", "documentary", "animation", "travel", "surf",
        "skate", "dance", "tutorial", "color", "grading", "cinematic", "night", "city", "ocean", "mountain", "love",
        "story", "brand", "commercial", "trailer", "festival", "snow", "café", "naïve", "düsseldorf", "リリカル", "4k",
    ];

    private static readonly string[] OddQueries =
    [
        "millsmario@hotmail.com", "https://www.example.com/", "http://evans.com/", "223.161.215.70", "cinÃ©ma iran",
        "donâ€™t look", "penny lane, the voyagers,", "a$ap rocky", "short+film", "  op  docs ", "!!!", "Reality year box air",
    ];

    // (offset minutes, weight): mostly US Eastern summer/winter time, then a long tail as in the real logs.
    private static readonly (int Minutes, int Weight)[] Offsets =
        [(-240, 58), (-300, 36), (120, 1), (60, 1), (180, 1), (0, 1), (540, 1), (330, 1)];

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static GeneratedLogs Write(string folder, long requests, int seed = 42)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        var injectedReq = RejectReason.All.ToDictionary(r => r, _ => 0L);
        var injectedClk = RejectReason.All.ToDictionary(r => r, _ => 0L);
        long reqIndex = 0, clkIndex = 0;
        var baseMs = new DateTimeOffset(2018, 9, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var span = 2L * 365 * 24 * 3600 * 1000;
        var pending = new List<(long Due, string Line)>(); // duplicates written a little later in the file

        using var req = new StreamWriter(Path.Combine(folder, RawLogSource.Requests.FileName), false, new UTF8Encoding(false), 1 << 20);
        using var clk = new StreamWriter(Path.Combine(folder, RawLogSource.Clicks.FileName), false, new UTF8Encoding(false), 1 << 20);
        req.Write(",search_id,search_query,ts,cuid,total\n");
        clk.Write(",search_id,ts,cid,position\n");
        var sb = new StringBuilder(160);

        string Id(long n)
        {
            // Unique by construction: 8 characters encode n, 12 are random.
            Span<char> id = stackalloc char[20];
            for (var k = 0; k < 8; k++) { id[k] = Alphabet[(int)(n % 62)]; n /= 62; }
            for (var k = 8; k < 20; k++) id[k] = Alphabet[rng.Next(62)];
            return new string(id);
        }

        string Ts(long ms, int offset)
        {
            // 78% "2020-03-10 09:24:31.000 -0400", 22% "2019-05-30 18:34:31+02:00", as in the real logs.
            var local = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(offset));
            if (rng.Next(100) >= 78) return local.ToString("yyyy-MM-dd HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            var text = local.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", System.Globalization.CultureInfo.InvariantCulture);
            return text.Remove(text.Length - 3, 1);
        }

        int Offset()
        {
            var x = rng.Next(100);
            foreach (var (m, w) in Offsets) { if (x < w) return m; x -= w; }
            return -240;
        }

        string Query()
        {
            if (rng.Next(100) < 3) return OddQueries[rng.Next(OddQueries.Length)];
            var n = 1 + rng.Next(3);
            sb.Clear();
            for (var k = 0; k < n; k++) { if (k > 0) sb.Append(' '); sb.Append(Words[rng.Next(Words.Length)]); }
            return sb.ToString();
        }

        static string Csv(string field) => field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

        void Request(string line)
        {
            req.Write(reqIndex++); req.Write(','); req.Write(line); req.Write('\n');
        }

        void Click(string id, string ts, long cid, int position)
        {
            clk.Write(clkIndex++); clk.Write(','); clk.Write(id); clk.Write(','); clk.Write(ts); clk.Write(',');
            clk.Write(cid); clk.Write(','); clk.Write(position); clk.Write('\n');
        }

        for (long i = 0; i < requests; i++)
        {
            for (var p = pending.Count - 1; p >= 0; p--)
                if (pending[p].Due <= i) { Request(pending[p].Line); pending.RemoveAt(p); }

            var id = Id(i);
            var ms = baseMs + (long)(rng.NextDouble() * span) / 1000 * 1000;
            var offset = Offset();
            var ts = Ts(ms, offset);
            var cuid = rng.Next(1, 700_000_000);
            var total = rng.Next(0, 600_000);
            var query = Csv(Query());
            var line = $"{id},{query},{ts},{cuid},{total}";
            Request(line);

            // At most one kind of damage per search, so each damaged row has exactly one reason.
            var damage = rng.Next(1000);
            var clicksBefore = false;
            if (damage < 10)
            {
                pending.Add((i + 1 + rng.Next(1000), line));
                injectedReq[RejectReason.DuplicateRequest]++;
            }
            else if (damage < 40)
            {
                var days = (1 + rng.Next(300)) * (rng.Next(2) == 0 ? -1L : 1L);
                pending.Add((i + 1 + rng.Next(1000), $"{id},{query},{Ts(ms + days * 86_400_000, offset)},{cuid},{total}"));
                injectedReq[RejectReason.ConflictingRequest]++;
            }
            else if (damage < 42) clicksBefore = true;

            // About one click per search: 60% of searches get 1 or 2 clicks on distinct results.
            if (clicksBefore)
            {
                Click(id, Ts(ms - (10 + rng.Next(1000)) * 1000L, offset), rng.Next(1, 900_000_000), 1);
                injectedClk[RejectReason.ClickBeforeRequest]++;
            }
            else if (rng.Next(100) < 60)
            {
                var n = 1 + rng.Next(2);
                var clickMs = ms;
                for (var k = 0; k < n; k++)
                {
                    clickMs += (2 + (long)Math.Exp(rng.NextDouble() * 6)) * 1000;
                    var cid = rng.Next(1, 900_000_000);
                    var position = k == 0 ? 1 + rng.Next(5) : 6 + rng.Next(40);
                    var cts = Ts(clickMs, offset);
                    Click(id, cts, cid, position);
                    var clickDamage = rng.Next(1000);
                    if (clickDamage < 20) { Click(id, cts, cid, position); injectedClk[RejectReason.DuplicateClick]++; }
                    else if (clickDamage < 23)
                    {
                        Click(id, Ts(clickMs + (60 + rng.Next(3600)) * 1000L, offset), cid, position);
                        injectedClk[RejectReason.RepeatedClick]++;
                    }
                }
            }

            var orphan = rng.Next(1000);
            if (orphan < 15)
            {
                Click(Id(requests + i), Ts(ms + 5000, offset), rng.Next(1, 900_000_000), 1);
                injectedClk[RejectReason.OrphanClick]++;
            }

            // Unreadable rows, with fresh ids no click points to.
            var bad = rng.Next(10_000);
            if (bad < 2) { Request($"{Id(2 * requests + i)},bad date,2020-13-45 25:61:00.000 -0400,{cuid},{total}"); injectedReq[RejectReason.BadTimestamp]++; }
            else if (bad < 4) { Request($"{Id(2 * requests + i)},no offset,2020-01-02 03:04:05,{cuid},{total}"); injectedReq[RejectReason.BadTimestamp]++; }
            else if (bad < 6) { Request($"{Id(2 * requests + i)},big total,{ts},{cuid},12k"); injectedReq[RejectReason.BadNumber]++; }
            else if (bad < 7) { Request($"{Id(2 * requests + i)},no user,{ts},,{total}"); injectedReq[RejectReason.MissingField]++; }
            else if (bad < 8) { Request($"{Id(2 * requests + i)},short row,{ts}"); injectedReq[RejectReason.MalformedLine]++; }
            else if (bad < 10)
            {
                clk.Write(clkIndex++); clk.Write($",{Id(3 * requests + i)},{Ts(ms, offset)},{rng.Next(1, 900_000_000)},first\n");
                injectedClk[RejectReason.BadNumber]++;
            }
        }
        foreach (var (_, line) in pending) Request(line);

        return new GeneratedLogs(folder, reqIndex, clkIndex,
            injectedReq.Where(kv => kv.Value > 0).ToDictionary(), injectedClk.Where(kv => kv.Value > 0).ToDictionary());
    }
}
