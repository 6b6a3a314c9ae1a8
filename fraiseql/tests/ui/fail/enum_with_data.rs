use fraiseql::FraiseEnum;

#[derive(FraiseEnum)]
enum Shape {
    Circle { radius: f64 },
    Square,
}

fn main() {}
