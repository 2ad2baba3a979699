using System.Numerics;

namespace Workbook.Products.Classification;

/// <summary>
/// The workbook's product classifier: a local classifier per parent node. Every node with children (and the
/// virtual root) owns a one-vs-rest logistic model over its children, trained with AdaGrad on the sparse hashed
/// features of the products below it. P(label) is the product of the conditionals along its path, so probabilities
/// respect the tree by construction; decoding (see <see cref="HierarchicalDecoder"/>) picks a consistent label set
/// with per-level thresholds tuned on validation.
/// Sigmoids by default, a softmax only where every training product below a node has exactly one of its children
/// (<see cref="NodeLoss.Exclusive"/>: cdiscount, myntra): a germeval blurb can sit on two paths and a node may be a product's
/// deepest label, so children are not mutually exclusive and "none of them" must be expressible.
/// Why per node, not one flat model: each product only trains the ~3 small models on its path (tens of columns
/// instead of thousands), which is what makes training fast, and each model sees only the products where its
/// decision matters.
/// </summary>
internal sealed class HierarchicalClassifier(HierarchicalClassifierOptions? options = null)
{
    public HierarchicalClassifierOptions Options { get; } = options ?? new HierarchicalClassifierOptions();

    /// <summary>Receives phase timings while fitting (for benchmarks and tuning); null = silent.</summary>
    public static Action<string>? Trace { get; set; }

    /// <summary>Trains on <paramref name="train"/>; tunes decoding on <paramref name="validation"/> or, when null, on a seeded hold-out of train.</summary>
    public HierarchicalClassifierModel Fit(IReadOnlyList<Product> train, LabelTree tree, IReadOnlyList<Product>? validation = null,
        CancellationToken cancel = default)
    {
        var o = Options;
        o.Validate();
        var labelled = train.Where(p => p.Labels.Count > 0).ToList();
        if (labelled.Count == 0) throw new ArgumentException("No labelled training products.", nameof(train));
        if (validation is null && o.HoldOutFraction > 0 && labelled.Count >= 20)
        {
            var shuffled = labelled.ToArray();
            new Random(o.Seed).Shuffle(shuffled);
            var nHold = (int)Math.Round(shuffled.Length * o.HoldOutFraction);
            validation = shuffled[..nHold];
            labelled = shuffled[nHold..].ToList();
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var featurizer = new ProductFeaturizer(o);
        var x = featurizer.FitTransform(labelled, o.Threads);
        Trace?.Invoke($"features: {watch.Elapsed.TotalSeconds:0.00} s, {x.NonZeros / (double)x.Count:0} per product");
        var parents = TrainParents(x, labelled, tree, o, cancel);
        Trace?.Invoke($"trained: {watch.Elapsed.TotalSeconds:0.00} s");
        var model = new HierarchicalClassifierModel(tree, o, featurizer.Idf, parents, HierarchicalDecoder.Default(tree.Depth));
        if (validation is { Count: > 0 })
            model = model.WithDecoder(HierarchicalDecoder.Tune(model, validation.Where(p => p.Labels.Count > 0).ToList(), o.TuneFor));
        Trace?.Invoke($"tuned: {watch.Elapsed.TotalSeconds:0.00} s");
        return model;
    }

    /// <summary>
    /// Trains on every labelled product of <paramref name="train"/>, nothing held back. The decoder's thresholds are
    /// cross-fitted: the products are cut into <c>ThresholdFolds</c> folds, a model fitted on the other folds scores
    /// each of the first few folds (as many as it takes to score about <c>ThresholdProducts</c> products: every fold of
    /// a small catalogue, one of a large one), the decoder is tuned on those out-of-fold scores, and the final model,
    /// fitted on all the products, decodes with it. <paramref name="crossFitted"/> is the tuned decoder's score on the
    /// out-of-fold products (optimistic: the thresholds were tuned on them), null when there were too few products.
    /// </summary>
    public HierarchicalClassifierModel FitAll(IReadOnlyList<Product> train, LabelTree tree, out ClassificationReport? crossFitted,
        CancellationToken cancel = default)
    {
        var o = Options;
        o.Validate();
        var labelled = train.Where(p => p.Labels.Count > 0).ToArray();
        crossFitted = null;
        var k = Math.Min(o.ThresholdFolds, labelled.Length / 10);
        if (k < 2) return Fit(labelled, tree, [], cancel);
        var shuffled = (Product[])labelled.Clone();
        new Random(o.Seed + 17).Shuffle(shuffled);
        var n = shuffled.Length;
        var folds = (int)Math.Clamp(Math.Ceiling(Math.Min(n, o.ThresholdProducts) * (double)k / n), 1, k);
        var gold = Enumerable.Range(0, folds).SelectMany(f => shuffled[(n * f / k)..(n * (f + 1) / k)].Select(p => p.Labels)).ToArray();
        (HierarchicalClassifierOptions Options, HierarchicalDecoder Decoder, ClassificationReport Report)? best = null;
        foreach (var loss in o.Loss == NodeLoss.Auto ? [NodeLoss.Sigmoid, NodeLoss.Exclusive] : new[] { o.Loss })
        {
            var options = o with { Loss = loss };
            var candidates = new List<Candidate[]>();
            for (var f = 0; f < folds; f++)
            {
                int start = n * f / k, end = n * (f + 1) / k;
                candidates.AddRange(new HierarchicalClassifier(options).Fit([.. shuffled[..start], .. shuffled[end..]], tree, [], cancel).Explore(shuffled[start..end]));
                Trace?.Invoke($"{loss}: threshold fold {f + 1}/{folds} of {k}: {end - start} products scored");
                // The fold model is garbage now: hand its tables back before the next fit allocates its own (peak memory).
                GC.Collect();
            }
            var decoder = HierarchicalDecoder.Tune(tree, candidates.ToArray(), gold, o.TuneFor, o.Threads);
            var report = HierarchicalMetrics.Evaluate(tree, gold, candidates.Select(c => (IReadOnlySet<int>)decoder.Decode(tree, c)).ToList());
            if (best is null || report.HierarchicalF1 > best.Value.Report.HierarchicalF1) best = (options, decoder, report);
        }
        crossFitted = best!.Value.Report;
        return new HierarchicalClassifier(best.Value.Options).Fit(labelled, tree, [], cancel).WithDecoder(best.Value.Decoder);
    }

    private static uint Salt(int node) => (uint)(node + 2) * 0x9E3779B1u;

    private static ParentClassifier[] TrainParents(SparseRows x, IReadOnlyList<Product> products, LabelTree tree,
        HierarchicalClassifierOptions o, CancellationToken cancel)
    {
        // Nodes with children, the virtual root (-1) first.
        var nodes = new List<int> { -1 };
        nodes.AddRange(Enumerable.Range(0, tree.Count).Where(l => tree.Children(l).Count > 0));
        var members = nodes.ToDictionary(n => n, _ => new List<int>());
        for (var e = 0; e < products.Count; e++)
        {
            members[-1].Add(e);
            foreach (var l in products[e].Labels)
                if (members.TryGetValue(l, out var list)) list.Add(e);
        }

        var bitmap = new ulong[(1 << o.HashBits) / 64];
        var plans = new List<(int Node, int[] Children, int Rows, int[] Examples, long Cost, bool Softmax)>();
        foreach (var n in nodes)
        {
            var children = (n < 0 ? tree.Roots : tree.Children(n)).ToArray();
            var examples = members[n].ToArray();
            // Size the node's table by the distinct features its products use, so small nodes stay small.
            Array.Clear(bitmap);
            long nnz = 0;
            foreach (var e in examples)
                foreach (var f in x.Indices(e)) { bitmap[f >> 6] |= 1UL << (f & 63); nnz++; }
            long distinct = 0;
            foreach (var word in bitmap) distinct += BitOperations.PopCount(word);
            var rows = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((ulong)Math.Max(distinct, 1)), 256UL, 1UL << o.HashBits);
            var softmax = o.Loss == NodeLoss.Softmax || o.Loss is NodeLoss.Exclusive or NodeLoss.Auto && examples.Length > 0 && children.Length > 1
                && examples.All(e => children.Count(products[e].Labels.Contains) == 1);
            plans.Add((n, children, rows, examples, nnz * children.Length, softmax));
        }

        // Column blocks: cut big nodes so no block holds more than 1/8 of the work. The cut depends only on the
        // data, never on the thread count, so results are identical for any number of threads.
        var total = plans.Sum(p => p.Cost);
        var jobs = new List<(int Plan, int Block, int ColumnStart, int Width)>();
        for (var pi = 0; pi < plans.Count; pi++)
        {
            var p = plans[pi];
            // A softmax needs all of a node's columns in one block.
            var pieces = p.Softmax ? 1 : (int)Math.Clamp((p.Cost * 8 + total - 1) / Math.Max(total, 1), 1, Math.Max(p.Children.Length, 1));
            for (var b = 0; b < pieces; b++)
            {
                var start = p.Children.Length * b / pieces;
                var end = p.Children.Length * (b + 1) / pieces;
                jobs.Add((pi, b, start, end - start));
            }
        }
        // A node's float table exists only while its blocks train: made by its first job, quantised and dropped by its
        // last (a quarter of the memory, and most tables are gone before the last ones are made), so peak memory is the
        // tables in training, not all of them at once. The values are the same as with every table made up front.
        var tables = new LogisticBlock?[plans.Count];
        var quantized = new QuantizedTable?[plans.Count];
        var unfinished = plans.Select((_, i) => jobs.Count(j => j.Plan == i)).ToArray();
        var gate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = o.Threads, CancellationToken = cancel };
        Parallel.ForEach(jobs.OrderByDescending(j => plans[j.Plan].Cost / plans[j.Plan].Children.Length * j.Width), options, job =>
        {
            var p = plans[job.Plan];
            LogisticBlock table;
            lock (gate)
                table = tables[job.Plan] ??= new LogisticBlock(p.Examples.Length == 0 ? 256 : p.Rows, p.Children.Length, Salt(p.Node));
            var view = table.View(job.ColumnStart, job.Width);
            if (p.Examples.Length == 0)
            {
                // Never seen in training: the children get a tiny prior instead of an uninformed 0.5.
                Array.Fill(view.Bias, -8f, job.ColumnStart, job.Width);
            }
            else
            {
                var positives = p.Examples.Select(e => products[e].Labels
                    .Select(l => Array.IndexOf(p.Children, l) - job.ColumnStart).Where(c => c >= 0 && c < job.Width).ToArray()).ToArray();
                view.Train(x, p.Examples, positives, o.Epochs, (float)o.LearningRate, (float)o.L2, o.Optimizer,
                    unchecked(o.Seed * 1000003 + (p.Node + 1) * 7919 + job.Block), cancel, p.Softmax ? NodeLoss.Softmax : NodeLoss.Sigmoid, o.AverageEpochs);
            }
            if (Interlocked.Decrement(ref unfinished[job.Plan]) > 0) return;
            quantized[job.Plan] = QuantizedTable.From(table);
            lock (gate) tables[job.Plan] = null;
        });
        return plans.Select((p, i) => new ParentClassifier(p.Node, p.Children, quantized[i]!, p.Softmax)).ToArray();
    }
}
