using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>Process CPU time (every thread) during each pass, beside their wall times (benchmarks print them).</summary>
    internal TimeSpan FitCpu { get; init; }
    internal TimeSpan ScoreCpu { get; init; }
    internal TimeSpan WriteCpu { get; init; }

    /// <summary>Distinct (clicks, views, category factor) scored: posteriors and intervals computed.</summary>
    internal int DistinctCounts { get; init; }
}

/// <summary>
/// Ranks a scoring file of any size in bounded memory, parsing each line once: (1) parse the file in blocks on every
/// core, gathering the fit data (category x band totals and (clicks, views) histograms) and the rejects, and spilling
/// per line only its distinct-counts number and its CPC (12 bytes) and the hash of its id (partitioned, for the
/// duplicate check); (2) fit, evaluate the model once per distinct counts, then read the file again on every core
/// without parsing it (the spill says what each line scores), sort each block best first and spill it, formatted, as
/// a sorted run; (3) k-way merge the runs into the output, splicing in each row's rank and its counts' posterior text.
/// Memory is the categories, the distinct counts, the blocks in flight and the merge buffers, whatever the number of
/// rows. Output, rejects and provenance are written to temporary files and renamed, so a crash leaves no half-written
/// file; the scratch files delete themselves.
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
        var cpu = CpuStopwatch.StartNew();

        // Pass 1, the one parse: fit data, rejects, and per line its distinct-counts number and CPC (spilled, 12 bytes a
        // line); the hash of every good row's id goes to a partitioned spill.
        var rowSpill = ScratchFile.Beside(output, "rows");
        var rejectSpill = new RejectSpill(ScratchFile.Beside(output, "rejects"));
        try
        {
            FitPassResult fit;
            HashSet<ulong> repeated;
            using (var hashes = new DuplicateProductIds.HashSpill(ScratchFile.Beside(output, "ids"), new FileInfo(input).Length))
            {
                fit = FitPass(input, options, workerCount, blockSize, duplicates: null, hashes, rowSpill, rejectSpill);
                repeated = hashes.Repeated(workerCount);
            }
            // Repeated ids (keep-first, DuplicateProductIds): only when two hashes match are those rows' ids compared, and
            // only then is the fit pass run again without the later copies, so a clean file pays for the hashes alone.
            var duplicates = new Dictionary<long, long>();
            if (repeated.Count > 0)
            {
                duplicates = DuplicateProductIds.LaterCopies(CandidateIds(input, workerCount, blockSize, repeated));
                if (duplicates.Count > 0)
                {
                    rowSpill.Dispose();
                    rowSpill = ScratchFile.Beside(output, "rows");
                    rejectSpill.Dispose();
                    rejectSpill = new RejectSpill(ScratchFile.Beside(output, "rejects"));
                    fit = FitPass(input, options, workerCount, blockSize, duplicates, null, rowSpill, rejectSpill);
                }
            }
            var (fitData, rejects) = (fit.Data, rejectSpill);
            var rows = fitData.Rows;
            RankingModel model;
            try { model = ProductRanker.Fit(fitData, options); }
            catch (ArgumentException e)
            {
                // Nothing left to fit on (every row rejected, or no views anywhere): the file's problem, said with its name.
                var top = rejects.MostCommon();
                throw new InvalidDataException($"{input}: {e.Message} ({rows:N0} rows, {rejects.Count:N0} rejected" +
                                               (top is { } t ? $", most often for {t.Reason}, e.g. line {t.FirstLine}" : "") + "). Nothing was written.", e);
            }
            // Every distinct count's posterior, interval and text, once.
            var table = new ScoreTable(model, fit.Workers.Select(w => (w.Keys, (Func<int, double>)(c => model.FactorOf(w.Data.CategoryName(c))))).ToList(), workerCount);
            // The three files are written under temp names and renamed only once all are complete (output, rejects, then
            // provenance), so a failed run replaces none of them; AtomicFile deletes a failed run's temp files.
            RankRunSummary? summary = null;
            AtomicFile.Write(provenancePath, provenanceTmp =>
                AtomicFile.Write(rejectsPath, rejectsTmp =>
                    AtomicFile.Write(output, outputTmp =>
                    {
                        using (var rejectsFile = new FileStream(rejectsTmp, FileMode.Create, FileAccess.Write))
                            rejects.WriteTo(rejectsFile);
                        var (fitTime, fitCpu) = (clock.Elapsed, cpu.Elapsed);

                        // Pass 2: read the file again (no parse: the spilled numbers say what each line scores), score, sort
                        // each block and write it as one run of output records.
                        clock.Restart();
                        cpu = CpuStopwatch.StartNew();
                        using var runs = new SortedRuns(ScratchFile.Beside(outputTmp, "runs"));
                        using (var blocks = new Utf8LineBlocks(input, blockSize))
                        {
                            var parser = new ScoringLineParser(input, blocks.Header);
                            var blocksScored = 0;
                            OnWorkers(blocks.Blocks(), workerCount, _ => new ScoreWorker(), (worker, block) =>
                            {
                                ScoreBlock(worker, block, fit.Blocks.GetValueOrDefault(block.Index), rowSpill, table, parser, runs, input);
                                Interlocked.Increment(ref blocksScored);
                            });
                            if (blocksScored != fit.Blocks.Count) throw Changed(input);
                        }
                        var (scoreTime, scoreCpu) = (clock.Elapsed, cpu.Elapsed);

                        // Pass 3: merge the runs into the output, best first. The provenance (the input's SHA-256, git's state)
                        // is taken meanwhile on a thread of its own, since the merge is one thread and the writer part of
                        // another (the hash is ~0.6 s of CPU for the 657 MB benchmark file; after the merge it added that
                        // to the wall time; on the first pass's read it held up that pass's workers, 0.7-1 s longer).
                        var provenance = Task.Factory.StartNew(() => Provenance.Capture([input]), TaskCreationOptions.LongRunning);
                        clock.Restart();
                        cpu = CpuStopwatch.StartNew();
                        long scored;
                        using (var outStream = DirectOutputStream.Create(outputTmp))
                        {
                            outStream.Write(Encoding.UTF8.GetBytes(OutputHeader + "\n"));
                            scored = runs.Merge(outStream, table.Inserts);
                        }
                        var (writeTime, writeCpu) = (clock.Elapsed, cpu.Elapsed);

                        File.WriteAllText(provenanceTmp, JsonSerializer.Serialize(new
                        {
                            provenance = provenance.GetAwaiter().GetResult(),
                            options = model.Options, // the first band edge resolved to views (the quantile is in firstEdgeQuantile)
                            firstEdgeQuantile = model.FirstEdgeQuantile,
                            rows, scored, rejected = rejects.Count, duplicates = (long)duplicates.Count,
                            order = "rank (best first); ties in input order",
                            globalPrior = model.GlobalPrior,
                            bands = model.Bands,
                            categoryTau = double.IsFinite(model.CategoryTau) ? model.CategoryTau : (double?)null,
                            categories = model.Categories.Count,
                            output = Path.GetFileName(output),
                            rejects = Path.GetFileName(rejectsPath),
                        }, new JsonSerializerOptions { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() }, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
                        summary = new RankRunSummary(input, output, rejectsPath, provenancePath, rows, scored, rejects.Count, fitTime, scoreTime, writeTime, runs.Count)
                            { Model = model, Duplicates = duplicates.Count, FitCpu = fitCpu, ScoreCpu = scoreCpu, WriteCpu = writeCpu, DistinctCounts = table.Count };
                    })));
            return summary!;
        }
        finally
        {
            rowSpill.Dispose();
            rejectSpill.Dispose();
        }
    }

    private static InvalidDataException Changed(string input) =>
        new($"{input}: the file changed while it was being ranked (its second read does not match the first). Nothing was written.");

    /// <summary>What pass 1 spilled for one block of lines: which worker numbered its counts, and where its rows are.</summary>
    private readonly record struct BlockRows(int Worker, long Offset, int Count);

    /// <summary>One non-empty line as pass 1 left it for pass 2: its distinct-counts number (-1: rejected) and its CPC.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly record struct SpilledRow(int Key, double Cpc);

    private sealed class FitWorker(int index, RankerOptions options, DuplicateProductIds.HashSpill? hashes)
    {
        public readonly int Index = index;
        public readonly RankingFitData Data = new(options);
        public readonly ScoreKeys Keys = new();
        public readonly DuplicateProductIds.HashSpill.Writer? Hashes = hashes is null ? null : new(hashes);
        public SpilledRow[] Rows = new SpilledRow[1 << 16];
        public readonly List<ProductScoringReject> Rejects = [];
    }

    private sealed record FitPassResult(RankingFitData Data, List<FitWorker> Workers,
        ConcurrentDictionary<int, BlockRows> Blocks);

    /// <summary>
    /// Parses every line once: fit data (all good rows but the later copies in <paramref name="duplicates"/>), rejects
    /// (bad rows and those later copies) into <paramref name="rejects"/>, each line's counts number and CPC spilled to <paramref name="rowSpill"/>, and,
    /// when <paramref name="hashes"/> is given, the hash of every good row's product_id.
    /// </summary>
    private static FitPassResult FitPass(string input, RankerOptions options, int workerCount, int blockSize,
        IReadOnlyDictionary<long, long>? duplicates, DuplicateProductIds.HashSpill? hashes, ScratchFile rowSpill, RejectSpill rejects)
    {
        var spilled = new ConcurrentDictionary<int, BlockRows>();
        using var blocks = new Utf8LineBlocks(input, blockSize);
        var parser = new ScoringLineParser(input, blocks.Header);
        var workers = OnWorkers(blocks.Blocks(), workerCount, i => new FitWorker(i, options, hashes), (w, block) =>
        {
            var count = FitBlock(w, block, parser, input, options.CategoryPooling, duplicates);
            rejects.Add(block.Index, w.Rejects);
            w.Rejects.Clear();
            spilled[block.Index] = new BlockRows(w.Index, rowSpill.Append(MemoryMarshal.AsBytes(w.Rows.AsSpan(0, count))), count);
        });
        var fitData = new RankingFitData(options);
        foreach (var w in workers)
        {
            w.Hashes?.Flush();
            w.Keys.AddHistogramTo(w.Data);
            fitData.Merge(w.Data);
        }
        return new FitPassResult(fitData, workers, spilled);
    }

    /// <summary>Pass 1 on one block; returns the number of non-empty lines, whose spilled rows are in <c>w.Rows</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FitBlock(FitWorker w, LineBlock block, ScoringLineParser parser, string input, bool pooled,
        IReadOnlyDictionary<long, long>? duplicates)
    {
        var n = 0;
        var lines = new Utf8LineBlocks.LineCursor(block);
        while (lines.Next(out var line, out var start, out var length))
        {
            if (length == 0) continue;
            if (n == w.Rows.Length) Array.Resize(ref w.Rows, n * 2);
            var span = block.Buffer.AsSpan(start, length);
            if (parser.Parse(span, out var row) is { } e)
            {
                w.Data.Rows++; // counted, not fitted
                w.Rejects.Add(new ProductScoringReject(input, line, e.Field, e.Reason, Encoding.UTF8.GetString(span)));
                w.Rows[n++] = new SpilledRow(-1, 0);
                continue;
            }
            if (w.Hashes is { } h) h.Add(DuplicateProductIds.Hash(row.ProductId.Of(span)));
            else if (duplicates is not null && duplicates.TryGetValue(line, out var first))
            {
                w.Data.Rows++;
                var id = Encoding.UTF8.GetString(DuplicateProductIds.Key(row.ProductId.Of(span)));
                w.Rejects.Add(new ProductScoringReject(input, line, "product_id", DuplicateProductIds.Reason(id, first), Encoding.UTF8.GetString(span)));
                w.Rows[n++] = new SpilledRow(-1, 0);
                continue;
            }
            var category = w.Data.AddOutsideHistogram(row.CategoryId.Of(span), row.ClicksValue, row.ImpressionsValue);
            w.Rows[n++] = new SpilledRow(w.Keys.IndexOf(row.ClicksValue, row.ImpressionsValue, pooled ? category : 0), row.CpcValue);
        }
        return n;
    }

    private sealed class ScoreWorker
    {
        public SpilledRow[] Rows = new SpilledRow[1 << 16];
        public ScoredLine[] Lines = new ScoredLine[1 << 16];
        public ulong[] Keys = new ulong[1 << 16];
        public int[] Order = new int[1 << 16];
        public readonly RadixSort<int> Sort = new();
        public readonly SortedRuns.Builder Run = new();
        public readonly SplitMixRandom Rng = new();
    }

    /// <summary>A scored line of a block (where it is, its number after the block's first, its insert); its index is sorted by its score's order key.</summary>
    private struct ScoredLine
    {
        public int Start, Length, Insert, Line;
    }

    /// <summary>Pass 2 on one block: score each good line, sort them, format each as an output record into one run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ScoreBlock(ScoreWorker w, LineBlock block, BlockRows spilled, ScratchFile rowSpill, ScoreTable table,
        ScoringLineParser parser, SortedRuns runs, string input)
    {
        if (w.Rows.Length < spilled.Count) w.Rows = new SpilledRow[spilled.Count];
        rowSpill.Read(MemoryMarshal.AsBytes(w.Rows.AsSpan(0, spilled.Count)), spilled.Offset);
        int n = 0, count = 0;
        var lines = new Utf8LineBlocks.LineCursor(block);
        while (lines.Next(out var line, out var start, out var length))
        {
            if (length == 0) continue;
            if (n == spilled.Count) throw Changed(input);
            var r = w.Rows[n++];
            if (r.Key < 0) continue;
            var score = table.Score(spilled.Worker, r.Key, r.Cpc, line, w.Rng, out var insert);
            if (count == w.Lines.Length)
            {
                Array.Resize(ref w.Lines, count * 2);
                Array.Resize(ref w.Keys, count * 2);
                Array.Resize(ref w.Order, count * 2);
            }
            w.Keys[count] = SortedRuns.OrderKey(score);
            w.Order[count] = count;
            w.Lines[count++] = new ScoredLine { Start = start, Length = length, Insert = insert, Line = (int)(line - block.FirstLine) };
        }
        if (n != spilled.Count) throw Changed(input);
        // Stable, so equal scores stay in line order; the lines' indexes are sorted, not the lines (a third less time).
        w.Sort.Sort(w.Keys, w.Order, count);
        // Best first, each line is read from the block at random: its entry and then its bytes are fetched into the cache
        // ahead of use.
        fixed (byte* buffer = block.Buffer)
        fixed (ScoredLine* entries = w.Lines)
        for (var i = 0; i < count; i++)
        {
            if (i + 32 < count && Sse.IsSupported)
            {
                Sse.Prefetch0(entries + w.Order[i + 32]);
                ref readonly var ahead = ref w.Lines[w.Order[i + 16]];
                Sse.Prefetch0(buffer + ahead.Start);
                Sse.Prefetch0(buffer + ahead.Start + ahead.Length - 1);
            }
            ref readonly var s = ref w.Lines[w.Order[i]];
            var score = SortedRuns.ScoreOf(w.Keys[i]);
            var span = block.Buffer.AsSpan(s.Start, s.Length);
            // The line with the score and the rank's place spliced in; it fits in line + 40.
            var dst = w.Run.Reserve(s.Length + 40);
            var (at, rankAt) = parser.Canonical ? CanonicalRecord(span, score, dst) : Record(parser, span, score, dst);
            w.Run.Commit(score, block.FirstLine + s.Line, rankAt, at, s.Insert);
        }
        runs.Append(w.Run, block.Index);
    }

    /// <summary>
    /// A line of a file whose columns are exactly <see cref="ScoringLineParser.CanonicalHeader"/> as its output record
    /// (id, category, score, the rank's place, cpc, clicks, views): the line's first two fields and its last three are
    /// each one piece, so two copies where the general <see cref="Record"/> splits the line again and copies five fields.
    /// Returns the record's length and where the rank goes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Length, int RankAt) CanonicalRecord(ReadOnlySpan<byte> line, double score, Span<byte> dst)
    {
        var first = line.IndexOf((byte)',');
        var second = first + 1 + line[(first + 1)..].IndexOf((byte)','); // pass 1 found five fields and no quote
        line[..(second + 1)].CopyTo(dst);
        var at = second + 1;
        at += FixedDecimal.Write(score, dst[at..]);
        dst[at++] = (byte)',';
        var rankAt = at;
        dst[at++] = (byte)',';
        var rest = line[(second + 1)..];
        rest.CopyTo(dst[at..]);
        at += rest.Length;
        dst[at++] = (byte)'\n';
        return (at, rankAt);
    }

    /// <summary>A line of any column layout as its output record: the five fields are found again and copied in output order.</summary>
    private static (int Length, int RankAt) Record(ScoringLineParser parser, ReadOnlySpan<byte> span, double score, Span<byte> dst)
    {
        var (id, category, cpc, clicks, views) = parser.Fields(span);
        // The five fields are disjoint parts of the line: with their separators and the score they fit in line + 40.
        var at = 0;
        Put(id.Of(span), dst, ref at); dst[at++] = (byte)',';
        Put(category.Of(span), dst, ref at); dst[at++] = (byte)',';
        at += FixedDecimal.Write(score, dst[at..]); dst[at++] = (byte)',';
        var rankAt = at;
        dst[at++] = (byte)',';
        Put(cpc.Of(span), dst, ref at); dst[at++] = (byte)',';
        Put(clicks.Of(span), dst, ref at); dst[at++] = (byte)',';
        Put(views.Of(span), dst, ref at); dst[at++] = (byte)'\n';
        return (at, rankAt);
    }

    private static void Put(ReadOnlySpan<byte> s, Span<byte> d, ref int at)
    {
        s.CopyTo(d[at..]);
        at += s.Length;
    }

    /// <summary>(line, id) of every good row whose id hash is in <paramref name="repeated"/>.</summary>
    private static List<(long Line, string Id)> CandidateIds(string input, int workerCount, int blockSize, HashSet<ulong> repeated)
    {
        using var blocks = new Utf8LineBlocks(input, blockSize);
        var parser = new ScoringLineParser(input, blocks.Header);
        return OnWorkers(blocks.Blocks(), workerCount, _ => new List<(long, string)>(), (found, block) =>
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
    private static List<T> OnWorkers<T>(IEnumerable<LineBlock> blocks, int workers, Func<int, T> init, Action<T, LineBlock> body)
    {
        using var source = blocks.GetEnumerator();
        var gate = new object();
        var states = Enumerable.Range(0, workers).Select(init).ToList();
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

}
