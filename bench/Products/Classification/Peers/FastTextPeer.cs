using System.Globalization;
using System.Text;

namespace Workbook.Products.Classification.Peers;

/// <summary>
/// fastText (Debian's /usr/bin/fasttext) as a peer, with the settings of its own multi-label tutorial:
/// <c>-loss ova -lr 0.5 -epoch 25 -wordNgrams 2 -bucket 200000 -dim 50</c>, every level's labels as targets. Its
/// decoding: labels with probability >= 0.5, else the most probable one, closed under ancestors.
/// </summary>
internal sealed class FastTextPeer(string workDirectory, int threads)
{
    public const string Binary = "/usr/bin/fasttext";
    public static bool Available => File.Exists(Binary);

    public sealed record Outcome(double TrainSeconds, double TrainCpuSeconds, double PredictSeconds, double PredictCpuSeconds, long PeakBytes, IReadOnlyList<IReadOnlySet<int>> Predicted);

    public Outcome Run(LabelTree tree, IReadOnlyList<Product> train, IReadOnlyList<Product> test, CancellationToken cancel)
    {
        Directory.CreateDirectory(workDirectory);
        var trainFile = Path.Combine(workDirectory, "train.txt");
        var testFile = Path.Combine(workDirectory, "test.txt");
        var modelPrefix = Path.Combine(workDirectory, "model");
        File.WriteAllLines(trainFile, train.Select(p => Line(tree, p, withLabels: true)));
        File.WriteAllLines(testFile, test.Select(p => Line(tree, p, withLabels: false)));
        var fit = PeerProcess.Run(Binary, ["supervised", "-input", trainFile, "-output", modelPrefix, "-loss", "ova", "-lr", "0.5", "-epoch", "25",
            "-wordNgrams", "2", "-bucket", "200000", "-dim", "50", "-thread", threads.ToString(), "-verbose", "0"], cancel);
        var predict = PeerProcess.Run(Binary, ["predict-prob", modelPrefix + ".bin", testFile, "10", "0.0"], cancel);
        var byToken = Enumerable.Range(0, tree.Count).ToDictionary(l => "__label__" + Token(tree.Name(l)), l => l);
        var predicted = predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var chosen = new List<int>();
            var best = -1;
            for (var i = 0; i + 1 < parts.Length; i += 2)
            {
                if (!byToken.TryGetValue(parts[i], out var label)) continue;
                var p = double.Parse(parts[i + 1], CultureInfo.InvariantCulture);
                if (best < 0) best = label;
                if (p >= 0.5) chosen.Add(label);
            }
            if (chosen.Count == 0 && best >= 0) chosen.Add(best);
            return (IReadOnlySet<int>)tree.Closure(chosen);
        }).ToList();
        if (predicted.Count != test.Count)
            throw new InvalidOperationException($"fasttext predicted {predicted.Count} lines for {test.Count} products.");
        return new Outcome(fit.Seconds, fit.CpuSeconds, predict.Seconds, predict.CpuSeconds, Math.Max(fit.PeakBytes, predict.PeakBytes), predicted);
    }

    private static string Token(string name) => string.Join('_', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Line(LabelTree tree, Product p, bool withLabels)
    {
        var sb = new StringBuilder();
        if (withLabels)
            foreach (var l in p.Labels.Order()) sb.Append("__label__").Append(Token(tree.Name(l))).Append(' ');
        // fastText splits on whitespace only; lower-case and pad punctuation as its tutorial's preprocessing does.
        foreach (var c in $"{p.Name} {p.Brand} {p.Description}".ToLowerInvariant())
            if (char.IsLetterOrDigit(c)) sb.Append(c);
            else if (char.IsWhiteSpace(c)) sb.Append(' ');
            else sb.Append(' ').Append(c).Append(' ');
        return sb.ToString();
    }
}
