using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Products;

public class ClassifyCliTests
{
    [Fact]
    public void Train_evaluate_predict_round_trip_writes_id_labels_probabilities()
    {
        using var tmp = ProductTestData.Temp();
        var folder = ProductTestData.Folder("flipkart-1050");
        var model = tmp.File("flipkart.model");

        var train = CliProcess.Run(["classify", "train", "--data", folder, "--model", model, "--seed", "3", "--test-fraction", "0.1"]);
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        Assert.Contains("hierarchical F1", train.Stdout);

        var evaluate = CliProcess.Run(["classify", "evaluate", "--model", model, "--data", folder]);
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains("held-out test part", evaluate.Stdout);
        Assert.Contains("micro F1", evaluate.Stdout);

        // Input without a labels column, as new products would come.
        var input = tmp.File("new.csv", "id,name,description,price,shop,brand\np1,Elegance Polyester Multicolor Abstract Eyelet Door Curtain,curtain for doors,899,flipkart,Elegance\np2,Sathiyas Cotton Bath Towel,\"bath towel, 3 pieces\",,flipkart,\n");
        var output = tmp.File("out.csv");
        var predict = CliProcess.Run(["classify", "predict", "--model", model, "--data", input, "--output", output]);
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var rows = File.ReadAllLines(output);
        Assert.Equal("id,labels,probabilities,top_labels,top_probabilities", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("p1,\"Home Furnishing,", rows[1]);
        Assert.StartsWith("p2,", rows[2]);
    }

    [Fact]
    public void By_default_train_uses_every_product_and_evaluate_says_it_scores_training_data()
    {
        using var tmp = ProductTestData.Temp();
        var folder = ProductTestData.Folder("flipkart-1050");
        var model = tmp.File("all.model");
        var train = CliProcess.Run(["classify", "train", "--data", folder, "--model", model]);
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        Assert.Contains("trained on 1050 products", train.Stdout);
        Assert.Contains("nothing held out", train.Stdout);
        var evaluate = CliProcess.Run(["classify", "evaluate", "--model", model, "--data", folder]);
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains("the model's own training data", evaluate.Stdout);
    }

    [Fact]
    public void Bad_model_file_is_a_clear_error_with_exit_code_2()
    {
        using var tmp = ProductTestData.Temp();
        var model = tmp.File("bad.model", "this is not a model file at all, definitely");
        var input = tmp.File("in.csv", "id,name\n1,x\n");
        var r = CliProcess.Run(["classify", "predict", "--model", model, "--input", input, "--output", tmp.File("o.csv")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a classifier model", r.Stderr);
        Assert.Contains("classify train", r.Stderr); // the CLI names the command that makes a new one
    }

    [Fact]
    public void The_old_data_file_and_labels_form_is_refused_with_the_folder_to_pass()
    {
        var folder = ProductTestData.Folder("flipkart-1050");
        var r = CliProcess.Run(["classify", "evaluate", "--model", "unused.model", "--data", Path.Combine(folder, "data.csv"),
            "--labels", Path.Combine(folder, "label_info.csv")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"use --data {folder}", r.Stderr);
    }
}
