using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workbook.Reports;

namespace Workbook.Products.Ranking;

/// <summary>What a streaming ranking run did.</summary>
public sealed record RankRunSummary(string Input, string Output, string RejectsFile, string ProvenanceFile,
    long Rows, long Scored, long Rejected, TimeSpan FitPass, TimeSpan ScorePass, TimeSpan WritePass, RankingModel Model);

/// <summary>
/// Ranks a scoring file of any size in three streaming passes: (1) gather the fit data (per category x band totals and
/// a fixed-size seeded sample) and write rejects, (2) fit, score every row and turn the scores into ranks (the one
/// per-row cost: an exact global rank needs every score; 16 bytes a row while sorting, then 4), (3) re-read, score
/// again and write each row with its rank. Output, rejects and provenance are written to temporary files and renamed, so a crash leaves no
/// half-written file.
/// </summary>
public static class StreamingRanker
{
    public const string OutputHeader = "product_id,category_id,score,rank,ctr_mean,ctr_low,ctr_high,cpc,clicks,views";

    public static string RejectsPathFor(string output) => Path.ChangeExtension(output, null) + ".rejects.csv";
    public static string ProvenancePathFor(string output) => output + ".provenance.json";

    public static RankRunSummary Run(string input, string output, RankerOptions options, string? rejectsPath = null)
    {
        options.Validate();
        rejectsPath ??= RejectsPathFor(output);
        var provenancePath = ProvenancePathFor(output);
        var clock = Stopwatch.StartNew();

        // Pass 1: fit data and rejects.
        var fitData = new RankingFitData(options);
        long rows = 0, rejected = 0;
        var rejectsTmp = TempFor(rejectsPath);
        using (var rejects = new StreamWriter(rejectsTmp))
        using (var reader = new ProductScoringReader(input))
        {
            rejects.WriteLine("file,line,field,reason,raw_line");
            while (reader.Next(out var row, out var reject))
            {
                rows++;
                if (reject is not null)
                {
                    rejected++;
                    rejects.WriteLine(string.Join(',', Csv(reject.File), reject.Line.ToString(CultureInfo.InvariantCulture),
                        Csv(reject.Field), Csv(reject.Reason), Csv(reject.RawLine)));
                    continue;
                }
                fitData.Add(row.Text.AsSpan()[row.CategoryId], row.ClicksValue, row.ImpressionsValue);
            }
        }
        var model = ProductRanker.Fit(fitData, options);
        var fitTime = clock.Elapsed;

        // Pass 2: every score, then every row's rank (score descending, ties in input order), so pass 3 reads ranks
        // sequentially instead of searching 10 million scores at random.
        clock.Restart();
        var scored = rows - rejected;
        var ranks = RankRows(model, input, scored);
        var scoreTime = clock.Elapsed;

        // Pass 3: the same scores again (the Thompson stream is replayed from the seed), written with their ranks.
        clock.Restart();
        var outputTmp = TempFor(output);
        long n = 0;
        model.ResetRandom();
        using (var writer = new StreamWriter(outputTmp, false, new System.Text.UTF8Encoding(false), 1 << 20))
        using (var reader = new ProductScoringReader(input))
        {
            writer.WriteLine(OutputHeader);
            Span<char> buf = stackalloc char[32];
            while (reader.Next(out var row, out var reject))
            {
                if (reject is not null) continue;
                var text = row.Text.AsSpan();
                var post = model.Posterior(text[row.CategoryId], row.ClicksValue, row.ImpressionsValue);
                var score = model.ScoreOf(post, row.CpcValue);
                var (low, high) = model.Interval(post);
                var rank = ranks[n++];
                writer.Write(text[row.ProductId]); writer.Write(',');
                writer.Write(text[row.CategoryId]); writer.Write(',');
                WriteDouble(writer, score, buf); writer.Write(',');
                rank.TryFormat(buf, out var w, default, CultureInfo.InvariantCulture); writer.Write(buf[..w]); writer.Write(',');
                WriteDouble(writer, post.Mean, buf); writer.Write(',');
                WriteDouble(writer, low, buf); writer.Write(',');
                WriteDouble(writer, high, buf); writer.Write(',');
                writer.Write(text[row.Cpc]); writer.Write(',');
                writer.Write(text[row.Clicks]); writer.Write(',');
                writer.Write(text[row.Views]);
                writer.WriteLine();
            }
        }
        var writeTime = clock.Elapsed;

        var provenanceTmp = TempFor(provenancePath);
        File.WriteAllText(provenanceTmp, JsonSerializer.Serialize(new
        {
            provenance = Provenance.Capture([input]),
            options,
            rows, scored, rejected,
            globalPrior = model.GlobalPrior,
            bands = model.Bands,
            categoryTau = double.IsFinite(model.CategoryTau) ? model.CategoryTau : (double?)null,
            categories = model.Categories.Count,
            output = Path.GetFileName(output),
            rejects = Path.GetFileName(rejectsPath),
        }, new JsonSerializerOptions { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() }, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        File.Move(outputTmp, output, overwrite: true);
        File.Move(rejectsTmp, rejectsPath, overwrite: true);
        File.Move(provenanceTmp, provenancePath, overwrite: true);
        return new RankRunSummary(input, output, rejectsPath, provenancePath, rows, scored, rejected, fitTime, scoreTime, writeTime, model);
    }

    private static double ScoreRow(RankingModel model, in ProductScoringRow row)
    {
        var post = model.Posterior(row.Text.AsSpan()[row.CategoryId], row.ClicksValue, row.ImpressionsValue);
        return model.ScoreOf(post, row.CpcValue);
    }

    // 1-based ranks in input order. Peak memory is 16 bytes a row (scores, their row numbers, the ranks) during the
    // sort; the write pass keeps only the 4-byte ranks.
    private static int[] RankRows(RankingModel model, string input, long scored)
    {
        if (scored > Array.MaxLength) throw new InvalidDataException($"{input}: more than {Array.MaxLength:N0} rows to rank");
        var keys = new double[scored];
        var rows = new int[scored];
        var n = 0;
        model.ResetRandom();
        using (var reader = new ProductScoringReader(input))
            while (reader.Next(out var row, out var reject))
                if (reject is null)
                {
                    keys[n] = -ScoreRow(model, row); // ascending sort of the negation = descending scores
                    rows[n] = n;
                    n++;
                }
        Array.Sort(keys, rows);
        // Array.Sort is not stable: put equal scores back in input order.
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(rows, start, end - start);
            start = end;
        }
        var ranks = new int[n];
        for (var r = 0; r < n; r++) ranks[rows[r]] = r + 1;
        return ranks;
    }

    // Fixed 12 decimals via integer formatting: shortest round-trip ("R") double formatting was ~60% of the write
    // pass, and CTRs and scores (below ~10) need absolute, not relative, precision to be read back and compared.
    private const int Decimals = 12;
    private const double Scale = 1e12;

    private static void WriteDouble(TextWriter w, double x, Span<char> buf)
    {
        if (!(Math.Abs(x) < 9e6))
        {
            x.TryFormat(buf, out var m, "R", CultureInfo.InvariantCulture);
            w.Write(buf[..m]);
            return;
        }
        if (x < 0) { w.Write('-'); x = -x; }
        var scaled = (long)Math.Round(x * Scale);
        var whole = scaled / (long)Scale;
        var frac = scaled - whole * (long)Scale;
        whole.TryFormat(buf, out var n, default, CultureInfo.InvariantCulture);
        buf[n++] = '.';
        frac.TryFormat(buf[n..], out var f, "D12", CultureInfo.InvariantCulture);
        n += f;
        while (buf[n - 1] == '0' && buf[n - 2] != '.') n--; // 0.500000000000 -> 0.5
        w.Write(buf[..n]);
    }

    private static string TempFor(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
    }

    private static string Csv(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
