package discover

import (
	"strings"
)

// fieldTypes classifies column headers and keys, normalised to lower-case
// letters and digits: whole columns of names, addresses or health notes
// that no pattern can find, and columns whose name says which identifier
// their values are.
var fieldTypes = map[string]Type{
	"email": Email, "emailaddress": Email, "mail": Email, "emailid": Email, "contactemail": Email, "useremail": Email,
	"phone": Phone, "mobile": Phone, "mobilephone": Phone, "cell": Phone, "cellphone": Phone, "tel": Phone, "telephone": Phone,
	"phonenumber": Phone, "mobileno": Phone, "phoneno": Phone, "homephone": Phone, "workphone": Phone, "contactnumber": Phone,
	"dob": DateOfBirth, "dateofbirth": DateOfBirth, "birthdate": DateOfBirth, "birthday": DateOfBirth, "born": DateOfBirth,
	"ird": NZIRD, "irdno": NZIRD, "irdnumber": NZIRD, "tfn": AUTFN, "taxfilenumber": AUTFN, "tfnno": AUTFN,
	"medicare": AUMedicare, "medicareno": AUMedicare, "medicarenumber": AUMedicare, "abn": AUABN,
	"nhi": NZNHI, "nhinumber": NZNHI, "nhino": NZNHI, "ssn": USSSN, "socialsecuritynumber": USSSN,
	"card": CreditCard, "cardnumber": CreditCard, "cardno": CreditCard, "creditcard": CreditCard, "pan": CreditCard, "ccnumber": CreditCard,
	"iban": IBAN, "bsb": AUBSBAccount, "bsbaccount": AUBSBAccount, "bankaccount": NZBankAccount, "bankaccountnumber": NZBankAccount, "accountnumber": NZBankAccount, "ip": IPAddress, "ipaddress": IPAddress, "clientip": IPAddress, "remoteaddr": IPAddress,
	"passport": Passport, "passportno": Passport, "passportnumber": Passport,
	"licence": DriverLicence, "license": DriverLicence, "driverlicence": DriverLicence, "driverslicence": DriverLicence,
	"driverlicense": DriverLicence, "dlnumber": DriverLicence, "licenceno": DriverLicence, "licenseno": DriverLicence,
	"name": PersonName, "fullname": PersonName, "firstname": PersonName, "givenname": PersonName, "givennames": PersonName,
	"surname": PersonName, "lastname": PersonName, "familyname": PersonName, "fname": PersonName, "lname": PersonName,
	"first": PersonName, "last": PersonName, "given": PersonName, "family": PersonName, "forename": PersonName, "forenames": PersonName,
	"firstnames": PersonName, "middlenames": PersonName, "christianname": PersonName,
	"middlename": PersonName, "customername": PersonName, "clientname": PersonName, "patientname": PersonName,
	"studentname": PersonName, "employeename": PersonName, "contactname": PersonName, "preferredname": PersonName,
	"address": StreetAddress, "street": StreetAddress, "streetaddress": StreetAddress, "address1": StreetAddress,
	"addressline1": StreetAddress, "homeaddress": StreetAddress, "postaladdress": StreetAddress, "residentialaddress": StreetAddress,
	"addr": StreetAddress, "mailingaddress": StreetAddress,
	"diagnosis": Health, "condition": Health, "medicalcondition": Health, "medication": Health, "medications": Health,
	"health": Health, "healthnotes": Health, "clinicalnotes": Health, "allergies": Health, "disability": Health, "treatment": Health,
	"password": Password, "passwd": Password, "pwd": Password, "passwordhash": Password, "secret": Password, "pin": Password,
	"apikey": Password, "token": Password, "pass": Password,
}

// fieldKey is the last key of a column name or key path
// ("customers[3].name[0].given[1]": "given"), lower-case letters and
// digits only, in b. It takes the name as a string or as bytes (JSON's
// key paths), without copying it.
func fieldKey[T string | []byte](name T, b *[48]byte) []byte {
	for len(name) > 0 && name[len(name)-1] == ']' { // array indexes
		k := len(name) - 1
		for k >= 0 && name[k] != '[' {
			k--
		}
		if k < 0 {
			break
		}
		name = name[:k]
	}
	for k := len(name) - 1; k >= 0; k-- {
		if c := name[k]; c == '.' || c == ']' || c == '/' {
			if k+1 < len(name) {
				name = name[k+1:]
			}
			break
		}
	}
	n := 0
	for i := 0; i < len(name) && n < len(b); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b[n] = c + 'a' - 'A'
			n++
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b[n] = c
			n++
		}
	}
	return b[:n]
}

// wholeValue types are found by their column alone: every plausible value
// in the column is one.
func wholeValue(t Type) bool {
	switch t {
	case PersonName, StreetAddress, Health, Password, Passport, DriverLicence:
		return true
	}
	return false
}

// ClassifyField returns the type a column header or key says its values
// are, noType if it says nothing. For a key path the last key counts.
func ClassifyField(name string) Type {
	var b [48]byte
	key := string(fieldKey(name, &b))
	if t, ok := fieldTypes[key]; ok {
		return t
	}
	// "E-mail Address", "Mobile No.", "IRD No." and the like.
	for _, p := range []struct {
		part string
		t    Type
	}{{"email", Email}, {"mobile", Phone}, {"phone", Phone}, {"birth", DateOfBirth}, {"passport", Passport}, {"password", Password}, {"diagnos", Health}, {"address", StreetAddress}} {
		if strings.Contains(key, p.part) {
			return p.t
		}
	}
	return noType
}

// plausible says whether a value could be what its column is classified
// as: the sampling that confirms a column's classification.
func plausible(t Type, v []byte) bool {
	letters, digits, spaces := 0, 0, 0
	for _, c := range v {
		switch {
		case isAlpha(c), c >= 0x80:
			letters++
		case isDigit(c):
			digits++
		case c == ' ':
			spaces++
		}
	}
	switch t {
	case PersonName:
		return letters >= 2 && digits == 0 && spaces <= 4 && len(v) <= 80
	case StreetAddress:
		return letters >= 3 && len(v) >= 5 && (digits > 0 || spaces >= 1)
	case Health:
		return letters >= 3
	case Passport, DriverLicence:
		return digits > 0 && len(v) >= 5 && len(v) <= 12 && spaces == 0
	case Password:
		return len(v) > 0
	}
	return true
}

// What a location column holds, for placing people: a country, or a
// part of an address in the order addresses write them.
const (
	placeNone = iota
	placeCountry
	placeStreet
	placeTown
	placeState
	placePostcode
)

var placeFields = map[string]int{
	"country": placeCountry, "countrycode": placeCountry, "countryname": placeCountry, "addresscountry": placeCountry,
	"state": placeState, "stateprovince": placeState, "province": placeState, "region": placeState, "territory": placeState,
	"county": placeState, "statecode": placeState, "addressregion": placeState,
	"postcode": placePostcode, "postalcode": placePostcode, "zip": placePostcode, "zipcode": placePostcode, "postal": placePostcode,
	"city": placeTown, "town": placeTown, "suburb": placeTown, "locality": placeTown, "addresslocality": placeTown,
}

// placeField is what a column tells of where someone lives.
func placeField(name string) int {
	var b [48]byte
	return placeFields[string(fieldKey(name, &b))]
}
