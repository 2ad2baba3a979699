using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Workbook.Products;
using Workbook.Products.Classification;
using Workbook.Reports;

namespace Workbook.Cli;

/// <summary>`classify train|evaluate|predict` and `bench classify`.</summary>
public sealed class ClassifyCli : ICliModule
{
    public IEnumerable<Command> Commands()
    {
        var classify = new Command("classify", "Hierarchical product classifier: train, evaluate, predict.");
        classify.Subcommands.Add(TrainCommand());
        classify.Subcommands.Add(EvaluateCommand());
        classify.Subcommands.Add(PredictCommand());
        yield return classify;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var bench = new Command("classify", "Starter baseline, the workbook's model, fastText (-loss ova) and scikit-learn side by side.");
        var datasets = new Option<string[]>("--data", "--datasets")
        {
            Description = "Catalogue folders (or names under data/products/)",
            DefaultValueFactory = _ => [WorkbookPaths.Data("products", "cdiscount"), WorkbookPaths.Data("products", "germeval-blurbs")],
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<int>("--seed") { Description = "Split seed", DefaultValueFactory = _ => 1 };
        var skipSklearn = new Option<bool>("--skip-sklearn") { Description = "Do not run the (slow) scikit-learn peer" };
        var models = new Option<string[]>("--models") { Description = $"Models to run (default all but mlnet-lightgbm, which takes 20+ minutes a catalogue): {string.Join(", ", ClassifierBenchmark.Models)}; the workbook's always runs", AllowMultipleArgumentsPerToken = true };
        bench.Options.Add(datasets);
        bench.Options.Add(models);
        bench.Options.Add(seed);
        bench.Options.Add(skipSklearn);
        bench.SetAction((parse, ct) =>
        {
            var rows = ClassifierBenchmark.Run(parse.GetValue(datasets)!.Select(d => DataArguments.CatalogueFolder(d)).ToList(), parse.GetValue(seed), !parse.GetValue(skipSklearn), Console.Out, ct, parse.GetValue(models));
            return Task.FromResult(rows.Count > 0 ? 0 : 1);
        });
        yield return bench;

        var fixedSplit = new Command("classify-split", "The reviewer's comparison: each catalogue's fixed 80/20 split, the workbook's model trained as `classify train` trains it, TF-IDF + logistic regression and fastText peers, one evaluator.");
        var all = new Option<string[]>("--data", "--datasets")
        {
            Description = "Catalogue folders (or names under data/products/)",
            DefaultValueFactory = _ => ["flipkart-1050", "germeval-blurbs", "myntra-fashion", "cdiscount"],
            AllowMultipleArgumentsPerToken = true,
        };
        var splitModels = new Option<string[]>("--models")
        {
            Description = $"Models to run: {string.Join(", ", FixedSplitBenchmark.Models)} (default: workbook)",
            DefaultValueFactory = _ => ["workbook"], AllowMultipleArgumentsPerToken = true,
        };
        var c = new Option<double>("--c") { Description = "Inverse regularisation of the TF-IDF peer's logistic regressions", DefaultValueFactory = _ => 10 };
        var peersOut = new Option<string?>("--peers-out") { Description = "JSON file to write the peers' rows to (notebook 02's recorded peers)" };
        var classifierOptions = new Option<string?>("--options") { Description = "The workbook model's options as JSON (HierarchicalClassifierOptions; default: the shipped defaults)" };
        foreach (var o in new Option[] { all, splitModels, c, peersOut, classifierOptions }) fixedSplit.Options.Add(o);
        fixedSplit.SetAction((parse, ct) =>
        {
            var rows = FixedSplitBenchmark.Run(parse.GetValue(all)!.Select(d => DataArguments.CatalogueFolder(d)).ToList(), parse.GetValue(splitModels)!,
                parse.GetValue(c), Console.Out, ct,
                parse.GetValue(classifierOptions) is { } json ? System.Text.Json.JsonSerializer.Deserialize<HierarchicalClassifierOptions>(json) : null);
            if (parse.GetValue(peersOut) is { } path)
                Artifact.Write(path, rows.Where(r => !r.Model.StartsWith("workbook", StringComparison.Ordinal)).ToList());
            return Task.FromResult(rows.Count > 0 ? 0 : 1);
        });
        yield return fixedSplit;

        var predict = new Command("classify-predict", "Prediction speed alone: a saved model of one catalogue (trained and cached under data/models/ if missing), repeated passes over its test part.");
        var dataset = DataArguments.Catalogue("Catalogue folder (or a name under data/products/)", () => WorkbookPaths.Data("products", "cdiscount"), "--dataset");
        var repeat = new Option<int>("--repeat") { Description = "Timed passes (the median is reported)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Prediction threads", DefaultValueFactory = _ => Math.Min(2, Environment.ProcessorCount) };
        foreach (var o in new Option[] { dataset, seed, repeat, threads }) predict.Options.Add(o);
        predict.SetAction(parse =>
        {
            var (folder, seedValue) = (DataArguments.CatalogueFolder(parse.GetValue(dataset)!), parse.GetValue(seed));
            var name = Path.GetFileName(folder);
            return PredictionBenchmark.Run(folder, seedValue, parse.GetValue(repeat), parse.GetValue(threads), Console.Out,
                WorkbookPaths.Data("models", $"bench-{name}-seed{seedValue}-all.model")).Count > 0 ? 0 : 1;
        });
        yield return predict;
    }

    private static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };

    private static Command TrainCommand()
    {
        var data = DataArguments.Catalogue("Catalogue folder: data.csv (or data.zip) and label_info.csv");
        var labels = DataArguments.RetiredLabels();
        var model = Required("--model", "Model file to write");
        var seed = new Option<int>("--seed") { Description = "Split and training seed", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Worker threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var testFraction = new Option<double>("--test-fraction")
            { Description = "Share of the labelled products held out and scored (0: train on all of them)", DefaultValueFactory = _ => 0 };
        var command = new Command("train", "Train on every labelled product (thresholds cross-fitted, then the model refitted on all), or hold out --test-fraction and report it.");
        foreach (var o in new Option[] { data, labels, model, seed, threads, testFraction }) command.Options.Add(o);
        command.SetAction(parse => Run(() =>
        {
            var catalog = ProductCatalog.LoadFolder(DataArguments.CatalogueFolder(parse.GetValue(data)!, parse.GetValue(labels)));
            OutputGuard.Check([("--data", catalog.DataPath), ("labels", catalog.LabelInfoPath)], [("--model", parse.GetValue(model)!)]);
            Console.WriteLine($"{catalog.Products.Count} products, {catalog.Labels.Count} labels; {catalog.Issues}");
            var options = new HierarchicalClassifierOptions { Seed = parse.GetValue(seed), Threads = parse.GetValue(threads) };
            var result = ClassifierTraining.Train(catalog, options, parse.GetValue(testFraction));
            result.Model.Save(parse.GetValue(model)!);
            Console.WriteLine($"trained on {result.Split.Train.Count} products in {result.FitTime.TotalSeconds:0.0} s; saved {parse.GetValue(model)}");
            if (result.Test is { } test)
            {
                Console.WriteLine($"held-out test ({result.Split.Test.Count} products):");
                PrintReport(test);
            }
            else if (result.CrossFitted is { } crossFitted)
            {
                Console.WriteLine("nothing held out (--test-fraction 0); out-of-fold scores the thresholds were tuned on (optimistic):");
                PrintReport(crossFitted);
            }
        }));
        return command;
    }

    private static Command EvaluateCommand()
    {
        var data = DataArguments.Catalogue("Catalogue folder: data.csv (or data.zip) and label_info.csv");
        var labels = DataArguments.RetiredLabels();
        var model = Required("--model", "Model file");
        var command = new Command("evaluate", "Print the metrics table of a model on a catalogue (its held-out part when it is the training catalogue).");
        foreach (var o in new Option[] { data, labels, model }) command.Options.Add(o);
        command.SetAction(parse => Run(() =>
        {
            var folder = DataArguments.CatalogueFolder(parse.GetValue(data)!, parse.GetValue(labels));
            var m = LoadModel(parse.GetValue(model)!);
            var catalog = ProductCatalog.LoadFolder(folder);
            var (products, description) = ClassifierTraining.EvaluationSet(m, catalog);
            Console.WriteLine($"evaluating on {products.Count} products: {description}");
            PrintReport(ClassifierTraining.Evaluate(m, products));
        }));
        return command;
    }

    private static Command PredictCommand()
    {
        var model = Required("--model", "Model file");
        var input = DataArguments.Input("CSV of products with the data.csv columns (labels may be absent)");
        var output = Required("--output", "CSV to write: id, labels, probabilities, ...");
        var command = new Command("predict", "Predict label sets; writes id, labels (comma-separated names, every level), probabilities.");
        foreach (var o in new Option[] { model, input, output }) command.Options.Add(o);
        command.SetAction(parse => Run(() =>
        {
            OutputGuard.Check([("--model", parse.GetValue(model)!), ("--input", parse.GetValue(input)!)], [("--output", parse.GetValue(output)!)]);
            var m = LoadModel(parse.GetValue(model)!);
            var products = ProductCatalog.ReadUnlabelled(parse.GetValue(input)!, m.Tree);
            var predictions = m.Predict(products);
            ClassificationCsv.Write(parse.GetValue(output)!, m.Tree, products, predictions);
            Console.WriteLine($"wrote {products.Count} predictions to {parse.GetValue(output)}");
        }));
        return command;
    }

    // The library says why a model file cannot be read; the command that makes a new one is the CLI's to name.
    private static HierarchicalClassifierModel LoadModel(string path)
    {
        try { return HierarchicalClassifierModel.Load(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{e.Message} Retrain it with `classify train`.", e); }
    }

    // Errors go to Program's guard (CliErrors): one line, exit code 2.
    private static int Run(Action action)
    {
        action();
        return 0;
    }

    internal static void PrintReport(ClassificationReport report)
    {
        var table = new Spectre.Console.Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (metric, value) in report.Summary())
            table.AddRow(metric, value.ToString("0.0000", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (report.MostConfused.Count > 0)
        {
            var confused = new Spectre.Console.Table().AddColumn("gold").AddColumn("predicted").AddColumn("level").AddColumn(new TableColumn("count").RightAligned());
            foreach (var c in report.MostConfused.Take(8))
                confused.AddRow(Markup.Escape(c.Gold), Markup.Escape(c.Predicted), c.Level.ToString(), c.Count.ToString());
            AnsiConsole.Write(new Rule("most confused"));
            AnsiConsole.Write(confused);
        }
    }
}
