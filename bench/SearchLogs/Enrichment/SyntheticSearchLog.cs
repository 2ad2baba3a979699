namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// A generated clean log of the real one's shape at any size, for benchmarks: queries drawn from a Zipfian
/// distribution over search intents made of Zipf-distributed words, typos (deletions, insertions, substitutions,
/// transpositions) and casing/punctuation noise on some searches, zero results mostly for typos, and clicks on a
/// few clips per intent (intents sharing a word share some clips, so the click graph has co-clicks) at positions
/// that decay geometrically. Fully determined by the seed.
/// </summary>
public static class SyntheticSearchLog
{
    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "an", "el", "or", "ba", "de", "fi", "go", "hu", "ja", "ke",
        "li", "mo", "nu", "pa", "qui", "re", "si", "to", "ul", "ve", "wa", "xi", "yo", "ze", "ch", "st", "tr", "gr",
        "pl", "br", "sh", "th", "ing", "er", "on", "ar", "is", "en", "at", "ou",
    ];

    public static CleanLog Generate(int searches, int seed = 7)
    {
        var random = new Random(seed);
        var words = Words(Math.Max(2_000, searches / 30), random);
        var wordZipf = new Zipf(words.Length, 1.0);
        var intentCount = Math.Max(100, searches / 4);
        var intentZipf = new Zipf(intentCount, 1.0);
        var clipCount = Math.Max(100, searches / 3);

        var intents = new int[intentCount][];
        for (var i = 0; i < intentCount; i++)
        {
            var length = 1 + random.Next(3);
            intents[i] = Enumerable.Range(0, length).Select(_ => wordZipf.Next(random)).Distinct().ToArray();
        }

        var start = new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var step = TimeSpan.FromDays(365).Ticks / Math.Max(1, searches);
        var log = new List<LoggedSearch>(searches);
        var clicks = new List<LoggedClick>(searches);
        for (var s = 0; s < searches; s++)
        {
            var intent = intentZipf.Next(random);
            var tokens = intents[intent].Select(w => words[w]).ToArray();
            var typo = false;
            var roll = random.NextDouble();
            if (roll < 0.10)
            {
                var t = random.Next(tokens.Length);
                if (tokens[t].Length >= 4)
                {
                    tokens[t] = Typo(tokens[t], random);
                    if (roll < 0.02 && tokens[t].Length >= 6) tokens[t] = Typo(tokens[t], random);
                    typo = true;
                }
            }
            var text = string.Join(' ', tokens);
            if (random.NextDouble() < 0.10) text = char.ToUpperInvariant(text[0]) + text[1..] + (random.Next(2) == 0 ? "!" : "  ");
            var ts = start.AddTicks(step * s + random.Next(1000));
            var total = typo && random.NextDouble() < 0.5 ? 0 : (long)Math.Exp(random.NextDouble() * 10);
            var id = "s" + s.ToString("x8");
            log.Add(new LoggedSearch(id, text, ts, total));
            if (total == 0) continue;

            var clickRoll = random.NextDouble();
            var n = clickRoll < 0.55 ? 1 : clickRoll < 0.70 ? 2 : 0;
            for (var c = 0; c < n; c++)
            {
                var position = 1;
                while (position < 50 && random.NextDouble() < 0.35) position++;
                clicks.Add(new LoggedClick(id, Clip(intents[intent], intent, random, clipCount).ToString(),
                    position, ts.AddSeconds(5 + random.Next(300))));
            }
        }
        return new CleanLog(log, clicks);
    }

    /// <summary>A clip relevant to the intent: half the time one of its own few, otherwise one of its rarest word's.</summary>
    private static int Clip(int[] words, int intent, Random random, int clipCount)
    {
        var rank = Math.Min(random.Next(4), random.Next(4)); // favours the first clips
        var key = random.Next(2) == 0 ? (long)intent * 7919 + rank : (long)(words.Max() + 1) * 104729 + rank;
        return (int)((ulong)(key * 2654435761L) % (ulong)clipCount);
    }

    private static string[] Words(int count, Random random)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(count);
        while (list.Count < count)
        {
            var w = string.Concat(Enumerable.Range(0, 2 + random.Next(3)).Select(_ => Syllables[random.Next(Syllables.Length)]));
            if (set.Add(w)) list.Add(w);
        }
        return list.ToArray();
    }

    private static string Typo(string word, Random random)
    {
        var i = random.Next(word.Length - 1);
        var letter = (char)('a' + random.Next(26));
        return random.Next(4) switch
        {
            0 => word.Remove(i, 1),
            1 => word.Insert(i, letter.ToString()),
            2 => word[..i] + letter + word[(i + 1)..],
            _ => word[..i] + word[i + 1] + word[i] + word[(i + 2)..],
        };
    }

    /// <summary>Zipf(s) over ranks 0..n-1 by inverse CDF.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cdf;

        public Zipf(int n, double s)
        {
            _cdf = new double[n];
            double sum = 0;
            for (var k = 0; k < n; k++) _cdf[k] = sum += 1.0 / Math.Pow(k + 1, s);
            for (var k = 0; k < n; k++) _cdf[k] /= sum;
        }

        public int Next(Random random)
        {
            var i = Array.BinarySearch(_cdf, random.NextDouble());
            return Math.Min(i < 0 ? ~i : i, _cdf.Length - 1);
        }
    }
}
