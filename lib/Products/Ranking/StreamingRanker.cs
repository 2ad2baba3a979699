using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Workbook.Reports;

namespace Workbook.Products.Ranking;

/// <summary>What a streaming ranking run did.</summary>
public sealed record RankRunSummary(string Input, string Output, string RejectsFile, string ProvenanceFile,
    long Rows, long Scored, long Rejected, TimeSpan FitPass, TimeSpan ScorePass, TimeSpan WritePass, int SortRuns)
{
    /// <summary>The fitted model (benchmarks and tests read it; the CLI prints the counts and files).</summary>
    internal RankingModel Model { get; init; } = null!;

    /// <summary>Of <see cref="Rejected"/>, the later copies of a repeated product_id (the first copy is ranked).</summary>
    public long Duplicates { get; init; }
}

/// <summary>
/// Ranks a scoring file of any size in bounded memory: (1) parse the file in blocks on every core, gathering the fit
/// data (category x band totals and (clicks, views) histograms) and the rejects; (2) fit, then parse again on every
/// core, score and format each row, and spill each block's rows as a sorted run to a temporary file; (3) k-way merge
/// the runs into the output, best first, splicing in each row's rank. Memory is the categories, the histograms, the
/// blocks in flight and the merge buffers, whatever the number of rows. Output, rejects and provenance are written to
/// temporary files and renamed, so a crash leaves no half-written file.
/// </summary>
public static class StreamingRanker
{
    public const string OutputHeader = "product_id,category_id,score,rank,ctr_mean,ctr_low,ctr_high,cpc,clicks,views";

    public static string RejectsPathFor(string output) => Path.ChangeExtension(output, null) + ".rejects.csv";
    public static string ProvenancePathFor(string output) => output + ".provenance.json";

    /// <param name="workers">Parallel block parsers; defaults to the machine's cores.</param>
    public static RankRunSummary Run(string input, string output, RankerOptions options, string? rejectsPath = null, int? workers = null) =>
        Run(input, output, options, rejectsPath, workers, DefaultBlockSize);

    private const int DefaultBlockSize = 8 << 20;

    /// <param name="blockSize">Bytes per parsed block (one sorted run each); small values let tests cross many block boundaries.</param>
    internal static RankRunSummary Run(string input, string output, RankerOptions options, string? rejectsPath, int? workers, int blockSize)
    {
        options.Validate();
        rejectsPath ??= RejectsPathFor(output);
        var provenancePath = ProvenancePathFor(output);
        OutputGuard.Check([("--input", input)], [("--output", output), ("rejects file", rejectsPath), ("provenance file", provenancePath)]);
        var workerCount = Math.Max(1, workers ?? Environment.ProcessorCount);
        DataLineage.Record(input);
        var clock = Stopwatch.StartNew();

        // Pass 1: fit data and rejects, one accumulator per worker, merged; an 8-byte hash of every good row's id.
        var (fitData, rejects, hashes) = FitPass(input, options, workerCount, blockSize, duplicates: null);
        // Repeated ids (keep-first, DuplicateProductIds): only when two hashes match are those rows' ids compared, and
        // only then is the fit pass run again without the later copies, so a clean file pays for the hashes alone.
        var duplicates = new Dictionary<long, long>();
        var repeated = DuplicateProductIds.Repeated(hashes!);
        hashes = null;
        if (repeated.Count > 0)
        {
            duplicates = DuplicateProductIds.LaterCopies(CandidateIds(input, workerCount, blockSize, repeated));
            if (duplicates.Count > 0) (fitData, rejects, _) = FitPass(input, options, workerCount, blockSize, duplicates);
        }
        var rows = fitData.Rows;
        RankingModel model;
        try { model = ProductRanker.Fit(fitData, options); }
        catch (ArgumentException e)
        {
            // Nothing left to fit on (every row rejected, or no views anywhere): the file's problem, said with its name.
            var top = rejects.GroupBy(r => $"{r.Field}: {r.Reason}").OrderByDescending(g => g.Count()).FirstOrDefault();
            throw new InvalidDataException($"{input}: {e.Message} ({rows:N0} rows, {rejects.Count:N0} rejected" +
                                           (top is null ? "" : $", most often for {top.Key}, e.g. line {top.Min(r => r.Line)}") + "). Nothing was written.", e);
        }
        // The three files are written under temp names and renamed only once all are complete (output, rejects, then
        // provenance), so a failed run replaces none of them; AtomicFile deletes a failed run's temp files.
        RankRunSummary? summary = null;
        AtomicFile.Write(provenancePath, provenanceTmp =>
            AtomicFile.Write(rejectsPath, rejectsTmp =>
                AtomicFile.Write(output, outputTmp =>
                {
                    using (var w = new StreamWriter(rejectsTmp, false, new UTF8Encoding(false)))
                    {
                        w.WriteLine("file,line,field,reason,raw_line");
                        foreach (var r in rejects.OrderBy(r => r.Line))
                            w.WriteLine(string.Join(',', Csv(r.File), r.Line.ToString(CultureInfo.InvariantCulture), Csv(r.Field), Csv(r.Reason), Csv(r.RawLine)));
                    }
                    var fitTime = clock.Elapsed;

                    // Pass 2: score and format every row; each block becomes one sorted run.
                    clock.Restart();
                    using var runs = new SortedRuns(outputTmp + ".runs");
                    using (var blocks = new Utf8LineBlocks(input, blockSize))
                    {
                        var parser = new ScoringLineParser(input, blocks.Header);
                        var cache = new RowScorer.Cache();
                        OnWorkers(blocks.Blocks(), workerCount, () => (Scorer: new RowScorer(model, cache), Run: new SortedRuns.Builder()), (local, block) =>
                        {
                            foreach (var (line, start, length) in Utf8LineBlocks.Lines(block))
                            {
                                if (length == 0) continue;
                                var span = block.Buffer.AsSpan(start, length);
                                if (parser.Parse(span, out var row) is not null || (duplicates.Count > 0 && duplicates.ContainsKey(line))) continue;
                                local.Scorer.Format(span, row, line, local.Run);
                            }
                            runs.Append(local.Run);
                        });
                    }
                    var scoreTime = clock.Elapsed;

                    // Pass 3: merge the runs into the output, best first.
                    clock.Restart();
                    long scored;
                    using (var outStream = new FileStream(outputTmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                    {
                        outStream.Write(Encoding.UTF8.GetBytes(OutputHeader + "\n"));
                        scored = runs.Merge(outStream);
                    }
                    var writeTime = clock.Elapsed;

                    File.WriteAllText(provenanceTmp, JsonSerializer.Serialize(new
                    {
                        provenance = Provenance.Capture([input]),
                        options = model.Options, // the first band edge resolved to views (the quantile is in firstEdgeQuantile)
                        firstEdgeQuantile = model.FirstEdgeQuantile,
                        rows, scored, rejected = (long)rejects.Count, duplicates = (long)duplicates.Count,
                        order = "rank (best first); ties in input order",
                        globalPrior = model.GlobalPrior,
                        bands = model.Bands,
                        categoryTau = double.IsFinite(model.CategoryTau) ? model.CategoryTau : (double?)null,
                        categories = model.Categories.Count,
                        output = Path.GetFileName(output),
                        rejects = Path.GetFileName(rejectsPath),
                    }, new JsonSerializerOptions { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() }, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
                    summary = new RankRunSummary(input, output, rejectsPath, provenancePath, rows, scored, rejects.Count, fitTime, scoreTime, writeTime, runs.Count)
                        { Model = model, Duplicates = duplicates.Count };
                })));
        return summary!;
    }

    /// <summary>
    /// Parses every line once: fit data (all good rows but the later copies in <paramref name="duplicates"/>), rejects
    /// (bad rows and those later copies), and, on the first pass (<paramref name="duplicates"/> null), the hash of every
    /// good row's product_id, one list per worker.
    /// </summary>
    private static (RankingFitData Fit, ConcurrentBag<ProductScoringReject> Rejects, List<List<ulong>>? Hashes) FitPass(
        string input, RankerOptions options, int workerCount, int blockSize, IReadOnlyDictionary<long, long>? duplicates)
    {
        var fitData = new RankingFitData(options);
        var rejects = new ConcurrentBag<ProductScoringReject>();
        using var blocks = new Utf8LineBlocks(input, blockSize);
        var parser = new ScoringLineParser(input, blocks.Header);
        var locals = OnWorkers(blocks.Blocks(), workerCount, () => (Data: new RankingFitData(options), Hashes: new List<ulong>()), (local, block) =>
        {
            Span<char> chars = stackalloc char[256];
            foreach (var (line, start, length) in Utf8LineBlocks.Lines(block))
            {
                if (length == 0) continue;
                var span = block.Buffer.AsSpan(start, length);
                if (parser.Parse(span, out var row) is { } e)
                {
                    local.Data.Rows++; // counted, not fitted
                    rejects.Add(new ProductScoringReject(input, line, e.Field, e.Reason, Encoding.UTF8.GetString(span)));
                    continue;
                }
                if (duplicates is null) local.Hashes.Add(DuplicateProductIds.Hash(row.ProductId.Of(span)));
                else if (duplicates.TryGetValue(line, out var first))
                {
                    local.Data.Rows++;
                    var id = Encoding.UTF8.GetString(DuplicateProductIds.Key(row.ProductId.Of(span)));
                    rejects.Add(new ProductScoringReject(input, line, "product_id", DuplicateProductIds.Reason(id, first), Encoding.UTF8.GetString(span)));
                    continue;
                }
                local.Data.Add(Decode(row.CategoryId.Of(span), chars), row.ClicksValue, row.ImpressionsValue);
            }
        });
        foreach (var local in locals) fitData.Merge(local.Data);
        return (fitData, rejects, duplicates is null ? locals.Select(l => l.Hashes).ToList() : null);
    }

    /// <summary>(line, id) of every good row whose id hash is in <paramref name="repeated"/>.</summary>
    private static List<(long Line, string Id)> CandidateIds(string input, int workerCount, int blockSize, HashSet<ulong> repeated)
    {
        using var blocks = new Utf8LineBlocks(input, blockSize);
        var parser = new ScoringLineParser(input, blocks.Header);
        return OnWorkers(blocks.Blocks(), workerCount, () => new List<(long, string)>(), (found, block) =>
        {
            foreach (var (line, start, length) in Utf8LineBlocks.Lines(block))
            {
                var span = block.Buffer.AsSpan(start, length);
                if (length == 0 || parser.Parse(span, out var row) is not null) continue;
                var id = row.ProductId.Of(span);
                if (repeated.Contains(DuplicateProductIds.Hash(id))) found.Add((line, Encoding.UTF8.GetString(DuplicateProductIds.Key(id))));
            }
        }).SelectMany(x => x).ToList();
    }

    // Exactly `workers` long-lived workers, each with one state for the whole pass, pulling one block at a time (reading
    // under the lock): Parallel.ForEach re-creates local state per task replica, which re-grew buffers and caches.
    private static List<T> OnWorkers<T>(IEnumerable<LineBlock> blocks, int workers, Func<T> init, Action<T, LineBlock> body)
    {
        using var source = blocks.GetEnumerator();
        var gate = new object();
        var states = Enumerable.Range(0, workers).Select(_ => init()).ToList();
        var tasks = states.Select(state => Task.Factory.StartNew(() =>
        {
            while (true)
            {
                LineBlock block;
                lock (gate)
                {
                    if (!source.MoveNext()) return;
                    block = source.Current;
                }
                try { body(state, block); }
                finally { block.Return(); }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        try { Task.WaitAll(tasks); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); }
        return states;
    }

    internal static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8, Span<char> scratch) =>
        utf8.Length <= scratch.Length / 3 ? scratch[..Encoding.UTF8.GetChars(utf8, scratch)] : Encoding.UTF8.GetString(utf8);

    private static string Csv(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
