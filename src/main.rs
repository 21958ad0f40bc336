fn main() {
    println!("planls {}", env!("CARGO_PKG_VERSION"));
}
